"""The example app's tests: clean hand-written fixtures, and synth-backed ones."""
