"""Make Pagefind's bundle byte-identical from one build of the same site to the next.

Pagefind 1.5.2 keeps filters, sort orders and languages in Rust HashMaps with a
random seed, so it writes, in a different order every run:

- each filter chunk ``filter/<lang>_<hash>.pf_filter``: its values;
- each ``pagefind.<lang>_<hash>.pf_meta``: its list of filter chunks and its
  list of sort orders (only with more than one ``data-pagefind-sort`` key);
- ``pagefind-entry.json``: its languages (only with more than one language).

Chunk and meta names are hashes of their content, so the names change too.
Index chunks and fragments come out the same every time (checked over repeated
runs) and are left alone.

``canonicalise_bundle`` rewrites those lists sorted by name — Pagefind's reader
loads each of them into a map, so their order carries no meaning (a sort
order's *page list* does, and is kept) — and renames the files as Pagefind
does (sha1 in Pagefind's hex style, the same lengths). Files are gzip'd with
no timestamp or name. The format, from Pagefind's source (``pagefind/src/index``
writes with minicbor, ``pagefind_web/src`` reads): ``b"pagefind_dcd"`` then
CBOR made of definite-length arrays, text strings and integers only:

    filter chunk: [filter name, [[value, [page number, ...]], ...]]
    meta:         [version, pages, index chunks, [[filter name, chunk hash], ...],
                   [[sort name, [page number, ...]], ...], meta fields]
"""
from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

MAGIC = b"pagefind_dcd"


# --- the CBOR subset Pagefind writes ------------------------------------------

def _head(major: int, n: int) -> bytes:
    """A CBOR item head with the shortest argument, as minicbor writes it."""
    if n < 24:
        return bytes([major << 5 | n])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | extra]) + n.to_bytes(size, "big")
    raise ValueError(f"integer too large for CBOR: {n}")


def _encode(value) -> bytes:
    if isinstance(value, bool):  # a bool is an int in Python; Pagefind writes none
        raise TypeError("unexpected bool in a Pagefind CBOR value")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(item) for item in value)
    raise TypeError(f"unexpected {type(value).__name__} in a Pagefind CBOR value")


def _decode(data: bytes, at: int = 0):
    """Decode one item at `at`: returns (value, end). Anything else Pagefind does not write fails."""
    major, extra = data[at] >> 5, data[at] & 31
    at += 1
    if extra < 24:
        n = extra
    elif extra <= 27:
        size = 1 << (extra - 24)
        n, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise ValueError(f"unsupported CBOR item (major {major}, info {extra}) at byte {at - 1}")
    if major == 0:
        return n, at
    if major == 1:
        return -1 - n, at
    if major == 3:
        return data[at:at + n].decode("utf-8"), at + n
    if major == 4:
        items = []
        for _ in range(n):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"unsupported CBOR major type {major} at byte {at - 1}")


def read_chunk(path: Path):
    """A Pagefind data file (gzip of MAGIC + CBOR) as Python lists, strings and ints."""
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(MAGIC):
        raise ValueError(f"{path}: not a Pagefind data file")
    value, end = _decode(raw, len(MAGIC))
    # Our encoder must give back Pagefind's exact bytes, or we would be rewriting
    # a format we do not fully understand (a Pagefind upgrade): refuse instead.
    if end != len(raw) or _encode(value) != raw[len(MAGIC):]:
        raise ValueError(f"{path}: unexpected CBOR layout; the Pagefind format may have changed")
    return value


def _pack(value) -> tuple[bytes, bytes]:
    """(CBOR, gzip file bytes): gzip with mtime 0 and no file name, so it is reproducible."""
    cbor = _encode(value)
    return cbor, gzip.compress(MAGIC + cbor, compresslevel=9, mtime=0)


def _full_hash(data: bytes) -> str:
    """Pagefind's ``full_hash``: sha1, each byte as unpadded hex (``{:x?}``)."""
    return "".join(f"{byte:x}" for byte in hashlib.sha1(data).digest())


# --- the bundle ---------------------------------------------------------------

def canonicalise_bundle(site_dir: Path, bundle_dir: str = "pagefind") -> int:
    """Rewrite SITE/<bundle_dir> so it depends only on the site; returns files rewritten.

    Run it right after Pagefind. Idempotent: a second run rewrites nothing.
    """
    bundle = Path(site_dir) / bundle_dir
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text("utf-8"))
    writes: dict[Path, bytes] = {}
    stale: set[Path] = set()

    for lang, language in entry["languages"].items():
        meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = read_chunk(meta_path)
        stale.add(meta_path)
        filters, taken = [], set()
        for name, chunk_hash in sorted(meta[3]):
            old = bundle / "filter" / f"{chunk_hash}.pf_filter"
            filter_name, values = read_chunk(old)
            # values: {value: pages}; page lists sorted too (Pagefind writes them ascending)
            cbor, packed = _pack([filter_name, sorted([value, sorted(pages)] for value, pages in values)])
            # Pagefind's name: "<lang>_" + 7 hex digits, longer only on a clash
            full, length = f"{lang}_{_full_hash(cbor)}", len(lang) + 8
            while full[:length] in taken and length < len(full):
                length += 2  # as Pagefind extends a clashing name
            taken.add(full[:length])
            filters.append([name, full[:length]])
            stale.add(old)
            writes[bundle / "filter" / f"{full[:length]}.pf_filter"] = packed
        meta[3] = filters
        meta[4] = sorted(meta[4], key=lambda sort: sort[0])  # keep each sort's page order
        cbor, packed = _pack(meta)
        language["hash"] = f"{lang}_{_full_hash(cbor)[:len(lang) + 8]}"
        writes[bundle / f"pagefind.{language['hash']}.pf_meta"] = packed

    entry["languages"] = dict(sorted(entry["languages"].items()))
    # serde_json's compact layout, as Pagefind writes it
    writes[entry_path] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    for path in stale - writes.keys():
        path.unlink()
    rewritten = 0
    for path, data in sorted(writes.items()):
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            rewritten += 1
    return rewritten
