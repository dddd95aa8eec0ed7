"""Trusting fixtures over time: GX suites from profiles, drift between profiles."""
