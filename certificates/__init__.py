"""Proof of completion: certificate templates, issuing, PDFs, verification and revocation."""
