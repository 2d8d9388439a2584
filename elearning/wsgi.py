import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.production")

application = get_wsgi_application()

# What loading made (Django, Wagtail, the apps: some 200 000 objects) lives as long as the worker;
# moved out of the collector's sight, a full collection no longer walks it (about 100 ms of a
# core every few hundred requests, measured in bench/school_burst.py's profile).
gc.collect()
gc.freeze()
