"""What there is to learn: the catalogue, courses, lessons and their content blocks.

The models arrive with the issue that builds this app; see ARCHITECTURE.md for its place in
the layering."""
