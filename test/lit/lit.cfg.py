# -*- Python -*-
# lit picks the lit.cfg.py nearest to the given path as the suite root, so `lit test/lit`
# or `lit test/lit/version.test` would not find the repository's lit.cfg.py on their own:
# load it from here (it sets the same source and exec roots either way).
import os

lit_config.load_config(
    config, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                         "lit.cfg.py"))
