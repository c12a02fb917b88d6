"""BehaviorTree.CPP itself (4.8.2, inside behaviortreepy 0.1.4) loading and ticking our XML.

behaviortreepy's own registration has no ports, so ``stub_leaves.cpp`` adds node
types with ports to the factory behaviortreepy built (through pybind11's conduit
for the C++ pointer); BT.CPP's parser, port checks and executor are untouched.
The C++ is compiled against the headers of the same BT.CPP release, taken from
behaviortreepy's source distribution on PyPI.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
CACHE = Path(os.environ.get("IVFP_BT_BTCPP_CACHE", Path.home() / ".cache" / "ivfp-bt" / "btcpp"))
STATUS = {"SUCCESS": 0, "FAILURE": 1, "RUNNING": 2}


class Unavailable(RuntimeError):
    """BehaviorTree.CPP cannot be tried here (package, headers or compiler missing)."""


def _headers(version: str) -> Path:
    include = CACHE / f"behaviortreepy-{version}" / "BehaviorTree.CPP" / "include"
    if include.is_dir():
        return include
    CACHE.mkdir(parents=True, exist_ok=True)
    download = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                               "-d", str(CACHE), f"behaviortreepy=={version}"], capture_output=True, text=True)
    archive = CACHE / f"behaviortreepy-{version}.tar.gz"
    if download.returncode != 0 or not archive.is_file():
        raise Unavailable(f"cannot download behaviortreepy {version}'s source: {download.stderr.strip()[-300:]}")
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if "/BehaviorTree.CPP/include/" in m.name or
                   "/BehaviorTree.CPP/3rdparty/" in m.name]
        tar.extractall(CACHE, members=members, filter="data")
    return include


def build_stub_library() -> Path:
    """Compile stub_leaves.cpp against the installed behaviortreepy; return the library's path."""
    try:
        import behaviortreepy
    except ImportError as error:
        raise Unavailable(f"behaviortreepy is not installed ({error})") from None
    module = Path(behaviortreepy._behaviortreepy.__file__)
    include = _headers(behaviortreepy.__version__)
    # the stubs link the module by its path: one build per installation, so a cache shared by
    # two checkouts (or a venv that moved) never hands out a library linked to a missing module
    where = hashlib.sha256(str(module.resolve()).encode()).hexdigest()[:8]
    out = CACHE / f"libivfp_btcpp_stubs-{behaviortreepy.__version__}-{where}.so"
    source = HERE / "stub_leaves.cpp"
    if out.is_file() and out.stat().st_mtime > source.stat().st_mtime:
        return out
    # The wheel is built with the old libstdc++ string ABI (manylinux); the stubs must match it.
    command = ["g++", "-std=c++17", "-shared", "-fPIC", "-O1", "-D_GLIBCXX_USE_CXX11_ABI=0", f"-I{include}",
               str(source), str(module), "-o", str(out)]
    built = subprocess.run(command, capture_output=True, text=True)
    if built.returncode != 0:
        raise Unavailable(f"cannot compile the stub leaves: {built.stderr.strip()[-500:]}")
    return out


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p)


class BtCpp:
    """A BehaviorTree.CPP factory with our leaves as stubs; ``ticks`` records (leaf, name, inputs)."""

    def __init__(self, library: Path, outcome: Callable[[str, str], str] | None = None) -> None:
        import behaviortreepy

        self.bt = behaviortreepy
        self.lib = ctypes.CDLL(str(library))
        self.lib.btcpp_factory_type_info.restype = ctypes.c_void_p
        self.factory = behaviortreepy.BehaviorTreeFactory()
        self.ticks: list[tuple[str, str, dict[str, str]]] = []
        self.outcome = outcome or (lambda leaf, name: "SUCCESS")
        self._callback = _CALLBACK(self._tick)   # kept alive as long as the factory
        self._pointer = self._factory_pointer()
        self.registered: set[str] = set()

    def _factory_pointer(self) -> int:
        api = ctypes.pythonapi
        api.PyCapsule_New.restype = ctypes.py_object
        api.PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
        api.PyCapsule_GetPointer.restype = ctypes.c_void_p
        api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
        type_info = api.PyCapsule_New(self.lib.btcpp_factory_type_info(), b"St9type_info", None)
        capsule = self.factory._pybind11_conduit_v1_(b"system_libstdcpp_gxx_abi_1xxx_use_cxx11_abi_0", type_info,
                                                      b"raw_pointer_ephemeral")
        if capsule is None:
            raise Unavailable("behaviortreepy's pybind11 conduit did not hand out the factory")
        return api.PyCapsule_GetPointer(capsule, b"N2BT19BehaviorTreeFactoryE")

    def _tick(self, leaf: bytes, name: bytes, inputs: bytes) -> int:
        values = dict(line.split("=", 1) for line in inputs.decode().splitlines() if "=" in line)
        self.ticks.append((leaf.decode(), name.decode(), values))
        return STATUS[self.outcome(leaf.decode(), name.decode())]

    def register_palette(self, document: str) -> None:
        """Register a stub for every node in the document's ``<TreeNodesModel>``, with the ports it declares."""
        model = ET.fromstring(document).find("TreeNodesModel")
        for node in model if model is not None else []:
            if node.get("ID") in self.registered:
                continue
            ports = "".join(f"{'in' if port.tag == 'input_port' else 'out'}:{port.get('name')}\n" for port in node)
            error = ctypes.create_string_buffer(1024)
            failed = self.lib.btcpp_register_stub(ctypes.c_void_p(self._pointer), node.get("ID").encode(),
                                                  int(node.tag == "Condition"), ports.encode(), self._callback,
                                                  error, len(error))
            if failed:
                raise RuntimeError(error.value.decode())
            self.registered.add(node.get("ID"))

    def run(self, document: str, max_ticks: int = 500, sleep_ms: int = 0) -> str:
        """Load ``document`` with BT.CPP's parser and tick it until it is no longer RUNNING
        (``sleep_ms`` between ticks lets BT.CPP's Sleep nodes finish)."""
        self.register_palette(document)
        tree = self.factory.create_tree_from_text(document)
        status = tree.tick_once()
        for _ in range(max_ticks):
            if status != self.bt.NodeStatus.RUNNING:
                break
            if sleep_ms:
                tree.sleep(sleep_ms)
            status = tree.tick_once()
        return status.name
