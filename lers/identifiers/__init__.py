"""Find, validate and normalise what a request can name: addresses, hashes, emails, phones, IPs.

Pure Python with no Django import, so the portal, email intake, subject resolution and the
watchlist can all use it (X-10, JU-08, HX-06, HX-09).
"""

from lers.identifiers.extract import extract
from lers.identifiers.model import EVM_CHAINS, KINDS, Found, Hints, Verdict
from lers.identifiers.validate import validate

__all__ = ["EVM_CHAINS", "KINDS", "Found", "Hints", "Verdict", "extract", "validate"]
