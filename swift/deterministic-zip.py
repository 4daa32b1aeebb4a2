#!/usr/bin/env python3
"""Zips a directory reproducibly: the same files always give the same bytes, so the same
XCFramework always has the same SwiftPM checksum.

    swift/deterministic-zip.py BASE NAME OUT.zip    # zips BASE/NAME as NAME/... into OUT.zip

Entries (directories too, as `zip -r` writes them) in byte order of their paths, every date
1980-01-01 00:00:00 (the earliest a zip can hold), modes 0755 for directories and 0644 for files,
Deflate at level 9, no extra fields (no owner, no extended times).
"""
import os
import sys
import zipfile

DATE = (1980, 1, 1, 0, 0, 0)


def entries(base, name):
    found = []
    for parent, dirs, files in os.walk(os.path.join(base, name)):
        rel = os.path.relpath(parent, base)
        found.append((rel.replace(os.sep, "/") + "/", None))
        for f in files:
            path = os.path.join(parent, f)
            if os.path.islink(path):
                sys.exit(f"deterministic-zip: refusing a symbolic link: {path}")
            found.append((f"{rel}/{f}".replace(os.sep, "/"), path))
    return sorted(found, key=lambda e: e[0].encode())


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    base, name, out = sys.argv[1:]
    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w") as z:
        for arcname, path in entries(base, name):
            info = zipfile.ZipInfo(arcname, DATE)
            info.create_system = 3  # Unix, so the modes below are read
            if path is None:
                info.external_attr = (0o40755 << 16) | 0x10  # directory, MS-DOS directory bit
                info.compress_type = zipfile.ZIP_STORED
                z.writestr(info, b"")
            else:
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as f:
                    z.writestr(info, f.read(), compresslevel=9)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
