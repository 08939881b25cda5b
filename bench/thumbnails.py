"""The list page of 50 images, with thumbnails and with the originals; prints figures.

    .venv/bin/python bench/thumbnails.py [--variant ID]
        [--images 50] [--photo 2000x1500] [--renders 20]

A generated project (any variant of tests/families/, on its real server: by default
the first with private media and static files on the bucket) gets --images photos
uploaded through its admin under gunicorn. Then, in one run, its list page is
rendered --renders times as it is (thumbnails) and as it was before thumbnails (the
same template, each <img> showing the original):

- render time: median milliseconds per render of the template, in-process
  (render_to_string, the 50 rows already fetched);
- storage requests while rendering, counted by a TCP proxy in front of the server
  (tests/proxy.py): every HTTP request the project sent it;
- what a visitor's browser then downloads: the bytes of every <img> on the page.
"""

import argparse
import io
import json
import re
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.families import VARIANTS, variant  # noqa: E402
from tests.helpers import Project, bake, http_get, project_venv  # noqa: E402
from tests.proxy import CountingProxy  # noqa: E402
from tests.site import AdminSession, Site, create_superuser  # noqa: E402


def photo(width, height):
    """A JPEG with a phone photo's grain (noise), so that it weighs what photos do."""
    from PIL import Image

    channels = [Image.effect_noise((width, height), 40) for _ in range(3)]
    buffer = io.BytesIO()
    Image.merge("RGB", channels).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


# Renders the list page's template in-process, as it is or showing the originals.
RENDER = """
import json, re, statistics, time
from pathlib import Path
from django.template import engines
from django.template.loader import render_to_string
from uploads.models import Upload

uploads = list(Upload.objects.all()[:50])
source = Path("uploads/templates/uploads/upload_list.html").read_text()
originals = engines["django"].from_string(re.sub(
    r'{% include "mediafiles/thumbnail.html"[^%]*%}',
    '<a href="{{ upload.image.url }}"><img src="{{ upload.image.url }}" alt="{{ upload.title }}"'
    ' loading="lazy"></a>',
    source,
))
if KIND == "thumbnails":
    render = lambda: render_to_string("uploads/upload_list.html", {"upload_list": uploads})
else:
    render = lambda: originals.render({"upload_list": uploads})
times, page = [], ""
for _ in range(RENDERS):
    started = time.perf_counter()
    page = render()
    times.append((time.perf_counter() - started) * 1000)
print(json.dumps({"ms": statistics.median(times), "first_ms": times[0], "page": page}))
"""


def images_of(page):
    """The src of every <img> on a page."""
    return [src.replace("&amp;", "&") for src in re.findall(r'<img src="([^"]+)"', page)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    fullest = next(a.id for a in VARIANTS if a.private and a.static_on_bucket)
    parser.add_argument("--variant", default=fullest)
    parser.add_argument("--images", type=int, default=50)
    parser.add_argument("--photo", default="2000x1500", help="WIDTHxHEIGHT of each photo")
    parser.add_argument("--renders", type=int, default=20)
    args = parser.parse_args()
    width, height = map(int, args.photo.split("x"))
    data = photo(width, height)

    workdir = Path(tempfile.mkdtemp(prefix="bench-thumbnails-"))
    adapter = variant(args.variant).start(workdir / "server")
    with adapter:
        from cookiecutter.main import cookiecutter

        class Cookies:  # what tests.helpers.bake expects of pytest-cookies
            @staticmethod
            def bake(extra_context):
                path = cookiecutter(
                    str(Path(__file__).resolve().parent.parent),
                    no_input=True,
                    output_dir=str(workdir),
                    extra_context=extra_context,
                )
                return type("Result", (), {"exit_code": 0, "project_path": Path(path)})

        root = bake(Cookies, **adapter.answers)
        project = Project(root, project_venv(root), adapter.answers)
        env = {**adapter.env(project), "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}"}
        if adapter.provisions:
            assert project.manage("ensure_storage", env=env).returncode == 0
        for command in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
            result = project.manage(*command, env=env)
            assert result.returncode == 0, result.stdout + result.stderr
        create_superuser(project, env)

        proxy = None
        if not adapter.on_local_disk:
            proxy = CountingProxy(adapter.server.url.split("://", 1)[-1].split("/")[0])
        if proxy:
            env = proxy.route(env)
        with Site(project, env, workers=1, threads=4, log_path=workdir / "gunicorn.log") as site:
            admin = AdminSession(site)

            def upload(number):
                image = (f"photo-{number:02d}.jpg", data)
                response = admin.add_upload(f"Photo {number}", "a.txt", b"a", image=image)
                assert response.status_code == 302, admin.form_errors(response)

            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(upload, range(args.images)))

            figures = {}
            for kind in ("thumbnails", "originals"):
                if proxy:
                    proxy.reset()
                script = f"KIND = {kind!r}\nRENDERS = {args.renders}\n" + RENDER
                result = project.shell(script, env)
                requests = len(proxy.requests) if proxy else 0
                sent = proxy.sent if proxy else 0
                fetched = [http_get(site.absolute(src)) for src in images_of(result["page"])]
                assert all(response.status == 200 for response in fetched)
                figures[kind] = (result, requests, sent, fetched)

        print(
            f"{args.images} photos of {width}x{height} ({len(data) / 1e6:.2f} MB JPEG each), "
            f"{args.variant}, list page rendered {args.renders} times per kind"
        )
        header = f"{'page':<11} {'median ms':>9} {'first ms':>8} {'storage requests':>16} "
        print(header + f"{'images':>6} {'image bytes a visitor downloads':>32}")
        for kind, (result, requests, sent, fetched) in figures.items():
            total = sum(len(response.body) for response in fetched)
            print(
                f"{kind:<11} {result['ms']:>9.2f} {result['first_ms']:>8.2f} "
                f"{f'{requests} ({sent} B)':>16} {len(fetched):>6} {total / 1e6:>29.2f} MB"
            )
        if proxy:
            proxy.close()
    print(json.dumps({"workdir": str(workdir)}))


if __name__ == "__main__":
    main()
