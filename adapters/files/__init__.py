"""Files at the edge: the one CSV reading path, the feed and aanlevering parsers, CSV writers."""
