"""What a learner answers and is scored on: quiz pages, attempts and server-side grading.

The models arrive with the issue that builds this app; see ARCHITECTURE.md for its place in
the layering."""
