"""Print the runtime requirements of a wheel (its Requires-Dist without extras).

The final image installs these in a layer of their own, keyed only on this list,
so that a change in backpack/ alone does not reinstall boto3 and friends.

Usage: python3 requirements.py dist/backpack-*.whl > requirements.txt
"""

from __future__ import annotations

import sys
import zipfile
from email.parser import HeaderParser


def runtime_requirements(wheel: str) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = HeaderParser().parsestr(archive.read(name).decode())
    return [r for r in metadata.get_all("Requires-Dist") or [] if "extra ==" not in r]


if __name__ == "__main__":
    print("\n".join(sorted(runtime_requirements(sys.argv[1]))))
