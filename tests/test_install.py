"""An installed (non-editable) copy finds its templates and sample data from any folder."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.slow
def test_wheel_install_runs_demo_from_another_folder(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)], check=True, capture_output=True)
    wheel = next(wheels.glob("promiseaudit-*.whl"))
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The installed copy comes first; the source tree is not on the path.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)
    code = ("import promiseaudit, sys; from promiseaudit.cli import main; "
            "assert 'site' in promiseaudit.__file__, promiseaudit.__file__; "
            "main(['demo', '--out', 'out'])")
    result = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    report = elsewhere / "out" / "report.html"
    assert report.exists() and "<html" in report.read_text(encoding="utf-8").lower()
    assert str(report) in result.stdout or "report.html" in result.stdout
