"""Print the runtime requirements of a wheel: its Requires-Dist, plus those of the extras
the image ships (``truetype``: non-ASCII label text).

The final image installs these in a layer of their own, keyed only on this list,
so that a change in backpack/ alone does not reinstall boto3 and friends.

Usage: python3 requirements.py dist/backpack-*.whl [extra ...] > requirements.txt
"""

from __future__ import annotations

import sys
import zipfile
from email.parser import HeaderParser


def runtime_requirements(wheel: str, extras: list[str]) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = HeaderParser().parsestr(archive.read(name).decode())
    wanted = []
    for requirement in metadata.get_all("Requires-Dist") or []:
        spec, _, marker = requirement.partition(";")
        if "extra ==" not in marker:
            wanted.append(requirement)
        elif any(f"extra == '{e}'" in marker or f'extra == "{e}"' in marker for e in extras):
            wanted.append(spec.strip())
    return wanted


if __name__ == "__main__":
    print("\n".join(sorted(runtime_requirements(sys.argv[1], sys.argv[2:]))))
