"""Secret scanner run by ``make test``: no key, password or token in tracked files.

Uses Yelp's detect-secrets (entropy and pattern plugins, well kept, no network)
over every file git tracks, plus three rules of this project: no private key
block, no tracked ``.env``, and ``.env.example`` holding placeholders only.
Exit code 1 and a list of file:line findings when anything is found.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from ouchhungry_dp.settings import REPO_ROOT

PRIVATE_KEY = re.compile(r"-----BEGIN (OPENSSH|RSA|EC|DSA|PRIVATE) ?(PRIVATE )?KEY-----")
# Data the project ships on purpose that entropy plugins would flag (reference
# tables, schema locks with sha256 of public schemas).
SKIP_SUFFIXES = (".csv", ".lock.json")
SKIP_PARTS = ("schema_lock",)
PLACEHOLDER = re.compile(r"^<[^>]*>$")
SECRET_NAMES = ("PASSWORD", "SECRET", "PASSPHRASE", "KEY")


def tracked_files(root: Path) -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True)
    return [root / p for p in out.stdout.decode().split("\0") if p]


def _scannable(path: Path) -> bool:
    return (path.is_file() and not path.name.endswith(SKIP_SUFFIXES)
            and not any(part in path.parts for part in SKIP_PARTS))


def detect_secrets_findings(files: list[Path]) -> list[str]:
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    collection = SecretsCollection()
    with default_settings():
        for path in files:
            collection.scan_file(str(path))
    return [f"{name}:{secret.line_number}: {secret.type}"
            for name, secrets in collection.data.items() for secret in secrets]


def env_example_findings(path: Path) -> list[str]:
    findings = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        value = value.strip()
        if any(s in name for s in SECRET_NAMES) and value and not PLACEHOLDER.match(value):
            findings.append(f"{path.name}:{number}: {name} must be a <placeholder>")
    return findings


def scan(root: Path = REPO_ROOT) -> list[str]:
    files = [p for p in tracked_files(root) if _scannable(p)]
    findings = []
    if (root / ".env") in tracked_files(root):
        findings.append(".env is tracked by git: remove it (git rm --cached .env)")
    for path in files:
        text = path.read_text(encoding="utf-8", errors="ignore")
        if PRIVATE_KEY.search(text):
            findings.append(f"{path.relative_to(root)}: private key block")
    findings += detect_secrets_findings(files)
    if (root / ".env.example").exists():
        findings += env_example_findings(root / ".env.example")
    return findings


def main() -> int:
    findings = scan()
    for finding in findings:
        print(f"secret-scan: {finding}")
    print(f"secret-scan: {len(findings)} finding(s) in tracked files")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
