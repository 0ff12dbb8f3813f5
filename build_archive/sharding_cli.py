"""The command line of sharded builds (README: 分片构建): `shards`, `shard`, `combine`.

    python -m build_archive shards [--corpus DIR] [--by paper-year|paper|year]
        the shards as JSON, for a GitHub Actions matrix: {"shard": [{name, paper, year, pages}, …]}
    python -m build_archive shard NAME --out DIR [--corpus DIR] [--by …]
        writes the shard's corpus folder (page files, sources.yml, corrections.yml);
        then `build --corpus DIR/… --site …` builds it as any corpus
    python -m build_archive combine --shard SITE … --site OUT [--split SITE=GLOB[,GLOB] …]
        shard sites → one site with one search (or several sites joined by one search)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import combine, shards

COMMANDS = ("shards", "shard", "combine")


def add_arguments(commands, project: Path) -> None:
    s = commands.add_parser("shards", help="list the corpus' shards as JSON (a GitHub Actions matrix)")
    s.add_argument("--corpus", type=Path, default=project / "corpus")
    s.add_argument("--by", choices=shards.KEYS, default=shards.KEYS[0], help="cut by paper and year (default)")
    w = commands.add_parser("shard", help="write one shard's corpus folder, to build it with `build --corpus`")
    w.add_argument("name")
    w.add_argument("--corpus", type=Path, default=project / "corpus")
    w.add_argument("--by", choices=shards.KEYS, default=shards.KEYS[0])
    w.add_argument("--out", type=Path, required=True, help="the shard's corpus folder (replaced)")
    c = commands.add_parser("combine", help="combine shard sites into one site with one search")
    c.add_argument("--shard", action="append", required=True, metavar="[NAME=]SITE",
                   help="a built shard site (repeat); its name is the folder's name unless given")
    c.add_argument("--site", type=Path, required=True, help="the combined site (with --split: a folder of sites)")
    c.add_argument("--split", action="append", default=[], metavar="SITE=GLOB[,GLOB]",
                   help="several sites joined by one search: OUT/SITE/ holds the shards whose names match")


def shard_site(text: str) -> combine.ShardSite:
    name, sep, path = text.partition("=")
    if not sep:
        name, path = Path(text).resolve().name, text
    return combine.ShardSite(name, Path(path))


def split_spec(text: str) -> tuple[str, list[str]]:
    name, sep, globs = text.partition("=")
    if not sep or not name or "/" in name or not globs:
        raise combine.CombineError(f"--split {text!r}: write SITE=GLOB[,GLOB], e.g. archive-2022=2022-*")
    return name, [g for g in globs.split(",") if g]


def run(args: argparse.Namespace) -> int:
    if args.command in ("shards", "shard") and not args.corpus.is_dir():
        print(f"error: corpus folder not found: {args.corpus}", file=sys.stderr)
        return 1
    if args.command == "shards":
        found = shards.list_shards(args.corpus, args.by)
        print(json.dumps({"shard": [s.as_json() for s in found]}, ensure_ascii=False))
        return 0
    if args.command == "shard":
        try:
            shard = shards.find(shards.list_shards(args.corpus, args.by), args.name)
        except KeyError as error:
            print(f"error: {error.args[0]}", file=sys.stderr)
            return 1
        pages = shards.write_shard(args.corpus, shard, args.out)
        print(f"shard {shard.name}: {pages} page file(s) written to {args.out}")
        return 0
    try:
        result = combine.combine([shard_site(s) for s in args.shard], args.site,
                                 [split_spec(s) for s in args.split] or None)
    except combine.CombineError as error:
        print(f"error: combine failed; {args.site} is untouched:\n{error}", file=sys.stderr)
        return 1
    print(combine.report(result))
    return 0
