"""gunicorn's settings for every way Kantor Virtual is served (`./kantor run`, the benchmark, the
container); gunicorn reads this file from the working directory by itself.

Pages spend their time in Python (the ORM and templates), not waiting on the database: one sync
worker per core serves as many requests a second as more workers would, without making each one
wait for a core. `./kantor bench` measured it on 2 cores: 3 workers doubled the server time of the
inbox and letter pages against 2, and made the client's time worse too.
"""

import os

workers = int(os.environ.get("WEB_WORKERS") or max(os.cpu_count() or 1, 2))
accesslog = "-"
