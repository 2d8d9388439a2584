"""Where learning happens: schools, classes, memberships, consent and assignments.

The models arrive with the issue that builds this app; see ARCHITECTURE.md for its place in
the layering."""
