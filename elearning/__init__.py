"""The site shell: settings, URLs, base templates, the home page, the helpline setting and the health check."""
