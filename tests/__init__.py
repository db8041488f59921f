"""The test suite: HTTP tests through the test client, browser tests in tests/browser/."""
