"""How far each learner got: step records and completion over any page tree.

The models arrive with the issue that builds this app; see ARCHITECTURE.md for its place in
the layering."""
