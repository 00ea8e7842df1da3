"""An import-linter contract for parts of an outside package (``lint-imports``, pyproject.toml).

import-linter forbids whole outside packages (``rest_framework``), not their modules: the domain
may use ``django.db`` but not ``django.http`` or ``django.forms``. This contract reads the import
statements the graph records for each module of ``source_modules`` and refuses any that names a
module of ``forbidden_modules`` (``import django.http``, ``from django.http import …``,
``from django import forms``).
"""

import re

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck

_FROM = re.compile(r"^\s*from\s+([\w.]+)\s+import\s+\(?\s*([\w\s,]+)")
_IMPORT = re.compile(r"^\s*import\s+([\w.,\s]+)")


def _named(line: str) -> set[str]:
    """The modules an import statement may name: ``from a.b import c`` names a.b and a.b.c."""
    found: set[str] = set()
    if match := _FROM.match(line):
        base = match.group(1)
        found.add(base)
        found.update(f"{base}.{name.strip()}" for name in match.group(2).split(",") if name.strip())
    elif match := _IMPORT.match(line):
        found.update(part.split(" as ")[0].strip() for part in match.group(1).split(","))
    return found


def _within(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


class ForbiddenExternalModulesContract(Contract):
    type_name = "forbidden_external_modules"

    source_modules = fields.SetField(subfield=fields.StringField())
    forbidden_modules = fields.SetField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        sources: set[str] = set()
        for source in self.source_modules:  # type: ignore[attr-defined]
            sources |= {source, *graph.find_descendants(source)}
        forbidden = sorted(self.forbidden_modules)  # type: ignore[attr-defined]
        roots = {module.split(".")[0] for module in forbidden}
        breaches = []
        for importer in sorted(sources):
            for root in sorted(roots):
                if not graph.direct_import_exists(importer=importer, imported=root):
                    continue
                for detail in graph.get_import_details(importer=importer, imported=root):
                    named = _named(detail["line_contents"])
                    hits = [m for m in forbidden if any(_within(name, m) for name in named)]
                    if hits:
                        breaches.append(
                            (importer, detail["line_number"], detail["line_contents"], hits[0])
                        )
        return ContractCheck(kept=not breaches, metadata={"breaches": breaches})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, line_number, line, module in check.metadata["breaches"]:
            output.print_error(f"{importer} imports {module} (l.{line_number}: {line.strip()})")
            output.new_line()
