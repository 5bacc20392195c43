"""The deployment test under pytest: runs when root with debootstrap and systemd-nspawn (CI), else skipped."""

from __future__ import annotations

import os

import pytest

from tests.deploy import boot

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or bool(boot.missing_tools()),
    reason="the deployment test needs root, debootstrap and systemd-container "
    f"(missing: {', '.join(boot.missing_tools()) or 'root'}); .ci/run installs them",
)


def test_kiosk_service_boots_under_systemd_with_cage_and_foot(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():  # one line per check, as it happens
        print()
        status = boot.main()
    assert status == 0, "a deployment check failed (see the lines above and journal.txt in the artifacts)"
