#!/usr/bin/env python3
"""Read one target from a local TUF repository directory with python-tuf's ngclient.

Reference reader: use it to check that a repository produced by another
implementation (e.g. a Java repository/publisher) is consumable by python-tuf.

    python-tuf-read.py REPO_DIR TRUSTED_ROOT TARGET_NAME [--out DIR] [-v]

REPO_DIR layout (the TUF HTTP layout, consistent_snapshot: true):
    REPO_DIR/metadata/N.root.json, timestamp.json, N.snapshot.json,
                      N.targets.json, N.<delegated role>.json
    REPO_DIR/targets/[sub/dirs/]<sha256-hex>.<basename>

The script serves REPO_DIR on 127.0.0.1 (random port, in a thread), copies
TRUSTED_ROOT to a fresh metadata dir as root.json, runs Updater.refresh(),
looks up TARGET_NAME, downloads it into DIR (default: a new temp dir, which is
kept) and prints:

    path: <local file>
    length: <bytes>
    sha256: <hex>

Exit status: 0 on success; 1 on any TUF/IO/download error (message on stderr);
3 if the target is not in the (delegated) targets metadata; 2 on usage errors.
"""

import argparse
import hashlib
import http.server
import logging
import os
import shutil
import sys
import tempfile
import threading
from functools import partial

HERE = os.path.dirname(os.path.abspath(__file__))
# Use the fetched sources next to this script unless tuf is already importable.
try:
    import tuf  # noqa: F401
except ImportError:
    for sub in ("python-tuf", "securesystemslib"):
        sys.path.insert(0, os.path.join(os.environ.get("CONFORMANCE_SRC", os.path.join(HERE, ".src")), sub))

from tuf.ngclient import Updater  # noqa: E402


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        logging.getLogger("http").debug(format, *args)


def _serve(directory: str) -> http.server.ThreadingHTTPServer:
    handler = partial(_QuietHandler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo_dir", help="directory containing metadata/ and targets/")
    parser.add_argument("trusted_root", help="trusted root metadata file (any version)")
    parser.add_argument("target_name", help="TUF target path, e.g. dir/file-1.0.bin")
    parser.add_argument("--out", help="download directory (default: new temp dir)")
    parser.add_argument("-v", "--verbose", action="count", default=0)
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.DEBUG if args.verbose > 1 else
        logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
    )

    repo_dir = os.path.abspath(args.repo_dir)
    for sub in ("metadata", "targets"):
        if not os.path.isdir(os.path.join(repo_dir, sub)):
            print(f"error: {repo_dir}/{sub} is not a directory", file=sys.stderr)
            return 2
    if not os.path.isfile(args.trusted_root):
        print(f"error: trusted root {args.trusted_root} not found", file=sys.stderr)
        return 2

    out_dir = args.out or tempfile.mkdtemp(prefix="python-tuf-read-")
    os.makedirs(out_dir, exist_ok=True)
    rc = _read(args, repo_dir, out_dir)
    if rc != 0 and not args.out:
        shutil.rmtree(out_dir, ignore_errors=True)  # don't leave empty temp dirs
    return rc


def _read(args: argparse.Namespace, repo_dir: str, out_dir: str) -> int:
    server = _serve(repo_dir)
    host, port = server.server_address[:2]
    base = f"http://{host}:{port}"
    try:
        with tempfile.TemporaryDirectory(prefix="python-tuf-read-md-") as md_dir:
            shutil.copyfile(args.trusted_root, os.path.join(md_dir, "root.json"))
            updater = Updater(
                metadata_dir=md_dir,
                metadata_base_url=f"{base}/metadata/",
                target_dir=out_dir,
                target_base_url=f"{base}/targets/",
            )
            updater.refresh()
            trusted = updater._trusted_set  # noqa: SLF001 (informational only)
            print(
                "trusted: root v{} timestamp v{} snapshot v{} targets v{}".format(
                    trusted.root.version,
                    trusted.timestamp.version,
                    trusted.snapshot.version,
                    trusted.targets.version,
                ),
                file=sys.stderr,
            )

            info = updater.get_targetinfo(args.target_name)
            if info is None:
                print(f"error: target '{args.target_name}' not found", file=sys.stderr)
                return 3
            path = updater.find_cached_target(info) or updater.download_target(info)
    except Exception as e:  # noqa: BLE001 - report any failure as exit 1
        print(f"error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    finally:
        server.shutdown()
        server.server_close()

    with open(path, "rb") as f:
        data = f.read()
    print(f"path: {os.path.abspath(path)}")
    print(f"length: {len(data)}")
    print(f"sha256: {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
