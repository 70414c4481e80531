#!/usr/bin/env python3
"""yosys_prep.py — copies SystemVerilog sources into a form Debian's Yosys
0.23 reads.

Yosys 0.23 parses `pkg::Name` but not `import pkg::*;` (in a module header
it is a syntax error). Every rtl/ block imports mmu_pkg that way, and
mmu_top also mmu_cfg_pkg. This writes copies in which each wildcard import
of a package given on the command line is dropped and every name that
package declares (localparam, parameter, typedef, function) is written
`pkg::Name` where the file uses it. Comments and strings are left alone;
nothing else changes, so the logic Yosys sees is the logic Verilator sees.

usage: yosys_prep.py -o OUTDIR SOURCE...
  SOURCE is a .sv file or a directory (its *.sv files, sorted). Packages
  are recognised by their `package NAME;` line. The copies keep their base
  names (two sources with one base name are an error); the paths written
  are printed one per line, packages first, in the order Yosys must read
  them (read_verilog -sv, in one command).

Used by `mmulab area` (cli/cmd_area.c) and the Yosys checks of the blocks
(tests/rtl/*/yosys_check.*). Exit status 1 with a one-line message on
stderr for a source it cannot handle.
"""
import pathlib
import re
import sys

# comments and strings, which are copied verbatim; everything between them is code
_VERBATIM = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"', re.S)
_PACKAGE = re.compile(r"^\s*package\s+(\w+)\s*;", re.M)
_IMPORT = re.compile(r"\bimport\s+(\w+)\s*::\s*\*\s*;")
# the declared name is the identifier before `=` (parameters), before `;`
# (typedefs) or before `(` (functions)
_DECLS = (
    re.compile(r"\b(?:localparam|parameter)\b[^=;]*?\b(\w+)\s*="),
    re.compile(r"\btypedef\b[^;]*?\b(\w+)\s*;"),
    re.compile(r"\bfunction\b(?:[^;()]|\([^()]*\))*?(?<![\w$])(\w+)\s*\("),
)

# a function: its name (the header may hold `[$clog2(N)-1:0]`) and the rest
_FUNCTION = re.compile(r"\bfunction\b(?:[^;()]|\([^()]*\))*?(?<![\w$])(\w+)\s*\("
                       r"(.*?)\bendfunction\b", re.S)
_RETURN = re.compile(r"\breturn\b")


class PrepError(Exception):
    pass


def _split(text):
    """Yields (is_code, piece) over text, comments and strings as non-code."""
    pos = 0
    for m in _VERBATIM.finditer(text):
        if m.start() > pos:
            yield True, text[pos:m.start()]
        yield False, m.group(0)
        pos = m.end()
    if pos < len(text):
        yield True, text[pos:]


def _code_only(text):
    """text with comments and strings blanked out, offsets and lines kept."""
    return "".join(piece if code else re.sub(r"[^\n]", " ", piece) for code, piece in _split(text))


def package_names(path, text):
    """(package name, names it declares) of a package source."""
    code = _code_only(text)
    pkgs = _PACKAGE.findall(code)
    if len(pkgs) != 1:
        raise PrepError(f"{path}: expected one package, found {len(pkgs)}")
    names = set()
    for decl in _DECLS:
        names.update(decl.findall(code))
    return pkgs[0], names


def _qualifier(pkg, names):
    # a name not already qualified (::), not a member or port (.), not part
    # of a longer identifier or system task ($), not a based literal (');
    # a size cast Name'(x) becomes (pkg::Name)'(x): Yosys 0.23 does not
    # parse pkg::Name'(x)
    alt = "|".join(sorted(names, key=len, reverse=True))
    pattern = re.compile(r"(?<![\w$'.])(?<!::)(" + alt + r")\b(?!\s*::)('?)")

    def repl(m):
        if m.group(2):
            return f"({pkg}::{m.group(1)})'"
        return f"{pkg}::{m.group(1)}"
    return pattern, repl


def _drop_returns(path, text):
    """Yosys 0.23 has no `return`: a function's final `return X;` becomes
    `NAME = X;` (the same value); a return anywhere else is an error."""
    code = _code_only(text)
    edits = []
    for f in _FUNCTION.finditer(code):
        name, body_start, body_end = f.group(1), f.start(2), f.end(2)
        returns = list(_RETURN.finditer(code, body_start, body_end))
        for i, r in enumerate(returns):
            last = i == len(returns) - 1
            if not last or not re.fullmatch(r"[^;]*;\s*", code[r.start():body_end]):
                line = code.count("\n", 0, r.start()) + 1
                raise PrepError(f"{path}:{line}: `return` before the end of function {name}; "
                                "Yosys 0.23 has no return statement")
            edits.append((r.start(), r.end(), f"{name} ="))
    for start, end, repl in reversed(edits):
        text = text[:start] + repl + text[end:]
    return text


def rewrite(path, text, packages):
    """text with its wildcard imports dropped and their names qualified."""
    text = _drop_returns(path, text)
    code = _code_only(text)
    imported = _IMPORT.findall(code)
    for pkg in imported:
        if pkg not in packages:
            raise PrepError(f"{path}: imports package {pkg}, which is not among the sources")
    local = set()
    for decl in _DECLS:
        local.update(decl.findall(code))
    for pkg in dict.fromkeys(imported):
        clash = sorted(local & packages[pkg])
        if clash:
            raise PrepError(f"{path}: declares {clash[0]}, which package {pkg} declares too; "
                            "the copy would qualify it: rename one")
    subs = [_qualifier(pkg, packages[pkg]) for pkg in dict.fromkeys(imported) if packages[pkg]]
    out = []
    for is_code, piece in _split(text):
        if is_code:
            piece = _IMPORT.sub(lambda m: "" if m.group(1) in packages else m.group(0), piece)
            for pattern, repl in subs:
                piece = pattern.sub(repl, piece)
        out.append(piece)
    return "".join(out)


def sources(args):
    files = []
    for a in args:
        p = pathlib.Path(a)
        if p.is_dir():
            files.extend(sorted(p.glob("*.sv")))
        elif p.is_file():
            files.append(p)
        else:
            raise PrepError(f"{a}: no such file or directory")
    if not files:
        raise PrepError("no .sv sources given")
    return files


def prepare(args, outdir):
    """Writes the rewritten copies of args into outdir; returns their paths
    in reading order (packages first)."""
    out = pathlib.Path(outdir)
    if not out.is_dir():
        raise PrepError(f"{outdir}: not a directory")
    texts, seen = [], {}
    for f in sources(args):
        if not re.fullmatch(r"[\w.-]+\.sv", f.name):
            raise PrepError(f"{f}: file name must be letters, digits, '_', '.', '-' "
                            "(it goes into a Yosys script)")
        if f.name in seen:
            raise PrepError(f"{f}: same file name as {seen[f.name]}")
        seen[f.name] = f
        try:
            texts.append((f, f.read_text()))
        except (OSError, UnicodeDecodeError) as e:
            raise PrepError(f"{f}: {e}") from e
    packages, pkg_files, other_files = {}, [], []
    for f, text in texts:
        if _PACKAGE.search(_code_only(text)):
            name, names = package_names(f, text)
            packages[name] = names
            pkg_files.append((f, text))
        else:
            other_files.append((f, text))
    written = []
    for f, text in pkg_files + other_files:
        dst = out / f.name
        dst.write_text(rewrite(f, text, packages))
        written.append(str(dst))
    return written


def main(argv):
    if len(argv) < 3 or argv[0] != "-o":
        print("usage: yosys_prep.py -o OUTDIR SOURCE...", file=sys.stderr)
        return 2
    try:
        for path in prepare(argv[2:], argv[1]):
            print(path)
    except PrepError as e:
        print(f"yosys_prep: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
