"""Search index over the ward's FAQ and announcements. The only place that imports Whoosh."""
