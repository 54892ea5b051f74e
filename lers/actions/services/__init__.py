"""The actions app's use cases: freezes, preservation holds, user notices, the watchlist."""
