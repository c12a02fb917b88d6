"""What a trial reads from the driver's disk, packed so that workers need no shared disk.

A trial reads its tree file (and the files it includes) and the model directories its leaves
load. They travel as one archive through Ray's object store, once per round, and each worker
unpacks them into a directory of its own keyed by their content. Inside, every file sits at
its path relative to the driver's working directory (``_abs/...`` for one outside it), and the
worker runs the trial from there, so relative paths in tree files mean what they meant.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ivfp_bt.evaluation.trials import TrialSpec
from ivfp_bt.models.checkpoints import resolve

ABSOLUTE = "_abs"


@dataclass(frozen=True)
class Bundle:
    data: bytes              # a gzipped tar of the files
    digest: str              # its content hash: where workers unpack it
    paths: dict[str, str]    # driver path (as given) -> path inside the bundle


def inside(path: Path, cwd: Path) -> str:
    """Where ``path`` goes in the bundle."""
    path = path.resolve()
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return (Path(ABSOLUTE) / path.relative_to(path.anchor)).as_posix()


def needed_files(spec: TrialSpec) -> tuple[list[Path], dict[str, Path]]:
    """The files a trial reads, and the path-valued ``--set`` values by what they name."""
    from ivfp_bt.tree.load import load_tree

    loaded = load_tree(spec.tree, dict(spec.sets))
    files = [Path(spec.tree)]
    for node in loaded.spec.root.iterate():
        if node.included_from:
            files.append(Path(node.included_from))
        model = node.params.get("model") if isinstance(node.params.get("model"), str) else None
        if model and resolve(model).is_dir():
            files += [f for f in resolve(model).rglob("*") if f.is_file()]
    named = {value: resolve(value) for _, value in spec.sets if resolve(value).exists()}
    for target in named.values():
        files += [target] if target.is_file() else [f for f in target.rglob("*") if f.is_file()]
    return files, named


def make_bundle(specs: list[TrialSpec], cwd: Path | None = None) -> Bundle:
    """One archive with everything these trials read."""
    cwd = (cwd or Path.cwd()).resolve()
    files: dict[str, Path] = {}
    paths: dict[str, str] = {}
    for spec in specs:
        needed, named = needed_files(spec)
        for file in needed:
            files[inside(file, cwd)] = file.resolve()
        paths[spec.tree] = inside(Path(spec.tree), cwd)
        paths.update({value: inside(target, cwd) for value, target in named.items()})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        for name in sorted(files):
            tar.add(files[name], arcname=name, recursive=False)
    data = buffer.getvalue()
    return Bundle(data, hashlib.sha256(data).hexdigest()[:16], paths)


def unpack(bundle: Bundle) -> Path:
    """The bundle's files on this node (unpacked once per content)."""
    root = Path(tempfile.gettempdir()) / "ivfp-bt-bundles" / bundle.digest
    if root.is_dir():
        return root
    root.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f"{bundle.digest}.", dir=root.parent))
    with tarfile.open(fileobj=io.BytesIO(bundle.data), mode="r:gz") as tar:
        tar.extractall(partial, filter="data")
    try:
        os.rename(partial, root)
    except OSError:   # another worker on this node unpacked the same files first: theirs serve
        shutil.rmtree(partial, ignore_errors=True)
    return root


def localised(spec: TrialSpec, bundle: Bundle, record_dir: str) -> TrialSpec:
    """``spec`` as a worker runs it from the bundle's directory: files by their bundle paths."""
    sets = tuple((key, bundle.paths.get(value, value)) for key, value in spec.sets)
    return replace(spec, tree=bundle.paths[spec.tree], sets=sets, record_dir=record_dir)
