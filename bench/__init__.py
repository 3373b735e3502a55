"""`make bench`: each main page against a bare authenticated baseline, in one run."""
