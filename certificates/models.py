"""Proof of completion: certificate templates, issuing, PDFs, verification and revocation.

The models arrive with the issue that builds this app; see ARCHITECTURE.md for its place in
the layering."""
