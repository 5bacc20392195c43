"""The benchmark harness (``make bench``): what a visitor feels, beside a bare Textual app's floor."""
