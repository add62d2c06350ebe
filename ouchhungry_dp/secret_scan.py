"""Secret scanner run by ``make test``: no key, password or token in tracked files.

Uses Yelp's detect-secrets (entropy and pattern plugins, well kept, no network)
over every file git tracks, plus three rules of this project: no private key
block, no tracked ``.env``, and ``.env.example`` holding placeholders only.

Tests need fake credentials (to prove they never leak); each such finding was
read by a person and recorded, by its hash, in ``.secrets.baseline``
(``python -m ouchhungry_dp.secret_scan --update-baseline``). Anything new fails
the scan with file:line, so a real secret cannot slip in beside them.
"""

from __future__ import annotations

import json
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


BASELINE = ".secrets.baseline"


def detect_secrets_findings(root: Path, files: list[Path]) -> dict[str, tuple[str, str]]:
    """hash -> (file:line, type) of every candidate secret detect-secrets finds."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    collection = SecretsCollection()
    with default_settings():
        for path in files:
            collection.scan_file(str(path))
    return {
        f"{Path(name).resolve().relative_to(root)}:{secret.secret_hash}": (
            f"{Path(name).resolve().relative_to(root)}:{secret.line_number}", secret.type)
        for name, secrets in collection.data.items() for secret in secrets
    }


def load_baseline(root: Path) -> set[str]:
    path = root / BASELINE
    if not path.exists():
        return set()
    return set(json.loads(path.read_text(encoding="utf-8"))["audited"])


def write_baseline(root: Path) -> int:
    files = [p for p in tracked_files(root) if _scannable(p)]
    audited = sorted(detect_secrets_findings(root, files))
    (root / BASELINE).write_text(json.dumps({
        "note": "Fake credentials in tests and docs, each read by a person: file:sha1 of the "
                "value. Regenerate only after reading every new finding.",
        "audited": audited}, indent=1) + "\n", encoding="utf-8")
    return len(audited)


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
    audited = load_baseline(root)
    findings += [f"{where}: {kind} (not in {BASELINE})"
                 for key, (where, kind) in detect_secrets_findings(root, files).items()
                 if key not in audited]
    if (root / ".env.example").exists():
        findings += env_example_findings(root / ".env.example")
    return findings


def main() -> int:
    if "--update-baseline" in sys.argv:
        print(f"secret-scan: {write_baseline(REPO_ROOT)} audited finding(s) recorded")
        return 0
    findings = scan()
    for finding in findings:
        print(f"secret-scan: {finding}")
    print(f"secret-scan: {len(findings)} finding(s) in tracked files")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
