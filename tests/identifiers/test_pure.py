import subprocess
import sys

import pytest


@pytest.mark.req("X-10")
def test_package_imports_without_django():
    code = (
        "import sys, lers.identifiers, lers.identifiers.scan, lers.identifiers.documents;"
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
