"""The build copies the repository's top-level sql/ and hypercorn.toml into the package."""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ["sql", "hypercorn.toml"]


class BuildPyWithShippedFiles(build_py):
    def run(self) -> None:
        super().run()
        package = Path(self.build_lib) / "quartauth"
        for name in SHIPPED:
            source, target = ROOT / name, package / name
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target)


setup(cmdclass={"build_py": BuildPyWithShippedFiles})
