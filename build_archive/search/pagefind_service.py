"""Run Pagefind (extended) on a folder of pages, fed in a fixed order (the I/O edge).

Pagefind numbers pages in the order it reads them, and its own folder walk reads
them in the file system's listing order: ext4 lists by a hash of the name with a
per-file-system seed, tmpfs in creation order. So the same pages gave different
page numbers, index chunks, filter and sort lists on two machines (measured:
/tmp against /dev/shm, issue 24). Here every page goes to Pagefind's service mode
(`pagefind_extended --service`, the protocol its Python and Node packages speak)
in the order of its path, so the bundle depends on the pages only.

The protocol: each message is base64 of a JSON object, followed by a comma, both
ways; the service answers every request with the request's message_id, and
handles them one at a time, in the order they arrive. The pages are sent without
waiting for each answer (pagefind's own Python client waits 0.1 s a message:
~100 ms a page), then WriteFiles; Pagefind then writes the bundle as its command
line would (measured on a 2,700-page part: same files, 9.3 s against 7-8 s for
the command line, which reads files concurrently). So where the folder is already
listed in path order (`listed_in_path_order`: tmpfs, pages written in reverse path
order), the command line is run instead (site/builder.py): the same bundle, sooner.
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import tempfile
import threading
from pathlib import Path

BUNDLE = "pagefind"


class PagefindError(RuntimeError):
    """Pagefind refused a page or could not write the bundle; the message says which and why."""


def executable() -> str:
    from pagefind_bin_extended import get_executable  # the extended binary: it segments Chinese
    return str(get_executable())


def _message(message_id: int, payload: dict) -> bytes:
    return base64.b64encode(json.dumps({"message_id": message_id, "payload": payload},
                                       ensure_ascii=False).encode("utf-8")) + b","


def html_pages(site_dir: Path) -> list[str]:
    """The folder's pages as Pagefind's default glob finds them, by path: the order they are numbered in."""
    return sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html") if p.is_file())


def walk_order(site_dir: Path) -> list[str]:
    """The folder's pages in the order Pagefind's command line walks them: depth first, each
    folder's entries in the order the file system lists them (os.scandir: readdir order)."""
    found: list[str] = []

    def visit(folder: Path, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    visit(Path(entry.path), f"{prefix}{entry.name}/")
                elif entry.name.endswith(".html") and entry.is_file():
                    found.append(prefix + entry.name)

    visit(Path(site_dir), "")
    return found


def listed_in_path_order(site_dir: Path) -> bool:
    """Does the command line's walk meet the pages in path order here? On tmpfs, which lists a
    folder newest first, it does when the pages were written in reverse path order (indexing.py
    writes them so); on ext4, which lists by a seeded hash of the name, it does not."""
    order = walk_order(site_dir)
    return order == sorted(order)


def index_folder(site_dir: Path) -> str:
    """Index SITE_DIR's pages into SITE_DIR/pagefind/, in path order; returns a one-line summary."""
    site_dir = Path(site_dir).resolve()
    pages = html_pages(site_dir)
    answers: list[dict] = []
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen([executable(), "--service"], cwd=site_dir, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=errors)

        def read() -> None:
            pending = b""
            while chunk := process.stdout.read1(1 << 16):
                pending += chunk
                *whole, pending = pending.split(b",")
                answers.extend(json.loads(base64.b64decode(m)) for m in whole)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            # one index: its id is 0 in every Pagefind 1.x service, but asked for all the same
            process.stdin.write(_message(0, {"type": "NewIndex", "config": None}))
            process.stdin.flush()
            while not answers and reader.is_alive():
                reader.join(0.005)
            if not answers or answers[0]["payload"].get("type") != "NewIndex":
                raise PagefindError(f"Pagefind's service did not start: {answers[:1]}")
            index_id = answers[0]["payload"]["index_id"]
            for n, rel in enumerate(pages, 1):
                content = (site_dir / rel).read_text("utf-8")
                process.stdin.write(_message(n, {"type": "AddFile", "index_id": index_id, "file_path": rel,
                                                 "url": None, "file_contents": content}))
            process.stdin.write(_message(len(pages) + 1, {"type": "WriteFiles", "index_id": index_id,
                                                          "output_path": str(site_dir / BUNDLE)}))
            process.stdin.flush()  # not closed: the service reads until it is stopped
            while len(answers) < len(pages) + 2 and reader.is_alive():
                reader.join(0.05)
        except BrokenPipeError:
            pass  # the service died: said below, with what it printed
        finally:
            if process.poll() is None:
                process.kill()  # done (or failed): it would wait for more requests
            process.wait()
            reader.join(5)
            errors.seek(0)
            printed = errors.read().decode("utf-8", "replace").strip()
    failed = [a for a in answers if a.get("payload", {}).get("type") == "Error"]
    if failed:
        message_id = failed[0].get("message_id") or 0
        where = pages[message_id - 1] if 0 < message_id <= len(pages) else "the bundle"
        raise PagefindError(f"Pagefind could not index {where}: {failed[0]['payload'].get('message')}")
    if len(answers) < len(pages) + 2:
        raise PagefindError(f"Pagefind's service stopped after {max(0, len(answers) - 1)} of {len(pages)} pages"
                            f" (exit {process.returncode}){': ' + printed if printed else ''}")
    return f"Pagefind indexed {len(pages)} pages in path order"
