#!/usr/bin/env python3
"""Checks the PACKED XCFramework (the zip an app downloads) and the release manifest naming it.

    swift/check-xcframework.py ZIP PACKAGE_DIR

ZIP is ClienteleFFI.xcframework.zip; PACKAGE_DIR the release package as unpacked from its
tarball. Reads everything from those two (never from target/ or the source tree): unzips into a
temporary directory, then checks the zip's layout and reproducibility, Info.plist, every slice's
architectures (llvm-lipo) and every object's platform and minimum OS (its Mach-O LC_BUILD_VERSION,
read with llvm-objdump), that every function the headers declare is defined in every
architecture (llvm-nm), the headers and module map, and the manifest's binaryTarget.

Prints `ok    <check>` or `FAIL  <check>` with the reason, then `N passed, N failed`; exits 1 on a
failure. The LLVM tools come from $LLVM_LIPO, $LLVM_OBJDUMP, $LLVM_NM, else the newest
llvm-<tool>[-N] on the PATH.
"""
import hashlib
import os
import plistlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

NAME = "ClienteleFFI.xcframework"
LIBRARY = "libclientele_ffi.a"
HEADERS = ["ClienteleCoreFFI.h", "ClienteleFFI.h", "module.modulemap"]
# identifier -> (SupportedPlatform, SupportedPlatformVariant, architectures, LC_BUILD_VERSION platform)
SLICES = {
    "ios-arm64": ("ios", None, ["arm64"], "ios"),
    "ios-arm64_x86_64-simulator": ("ios", "simulator", ["arm64", "x86_64"], "iossimulator"),
    "macos-arm64_x86_64": ("macos", None, ["arm64", "x86_64"], "macos"),
}
CPU = {"arm64": "ARM64", "x86_64": "X86_64"}
HERE = os.path.dirname(os.path.abspath(__file__))

passed = 0
failed = 0


def check(name, failures):
    global passed, failed
    if failures:
        failed += 1
        print(f"FAIL  {name}")
        for f in failures[:20]:
            print(f"      {f}")
        if len(failures) > 20:
            print(f"      ... and {len(failures) - 20} more")
    else:
        passed += 1
        print(f"ok    {name}")


def tool(name):
    env = os.environ.get("LLVM_" + name.upper())
    if env:
        return env
    found = shutil.which("llvm-" + name)
    if found:
        return found
    versions = set()
    for d in os.environ.get("PATH", "").split(os.pathsep):
        try:
            for f in os.listdir(d):
                m = re.fullmatch(rf"llvm-{name}-(\d+)", f)
                if m:
                    versions.add(int(m.group(1)))
        except OSError:
            pass
    if not versions:
        sys.exit(f"llvm-{name} not found (Debian: llvm)")
    return f"llvm-{name}-{max(versions)}"


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def manifest_minimums(manifest):
    """{'ios': '15.0', 'macos': '12.0'} from `platforms: [.iOS("15.0"), .macOS("12.0")]`."""
    found = dict(re.findall(r'\.(iOS|macOS)\("([0-9.]+)"\)', manifest))
    return {"ios": found.get("iOS"), "iossimulator": found.get("iOS"), "macos": found.get("macOS")}


def version(text):
    return tuple(int(p) for p in text.split("."))


def objects(objdump_output):
    """Per archive member: (member, cputype, [(platform, minimum OS)], {segment names}) from
    llvm-objdump --macho --private-headers: the platform and minimum of LC_BUILD_VERSION, or of
    LC_VERSION_MIN_IPHONEOS / LC_VERSION_MIN_MACOSX."""
    members = []
    current = None
    lines = objdump_output.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^.*\(([^()]+)\):$", line)
        if m:
            current = [m.group(1), None, [], set()]
            members.append(current)
            continue
        if current is None:
            continue
        if current[1] is None and re.match(r"^\s*MH_MAGIC(_64)?\s", line):
            current[1] = line.split()[1]
        parts = line.split()
        if len(parts) == 2 and parts[0] == "segname":
            current[3].add(parts[1])
        command = line.strip()
        if command in ("cmd LC_BUILD_VERSION", "cmd LC_VERSION_MIN_IPHONEOS", "cmd LC_VERSION_MIN_MACOSX"):
            fields = {}
            for follow in lines[i + 1 : i + 8]:
                parts = follow.split()
                if len(parts) >= 2:
                    fields.setdefault(parts[0], parts[1])
            if command == "cmd LC_BUILD_VERSION":
                current[2].append((fields.get("platform"), fields.get("minos")))
            else:
                # The older form LLVM writes for a deployment target below iOS 12 / macOS 10.14,
                # as in rustc's prebuilt standard library (its compiler_builtins objects:
                # iOS 10.0, macOS 10.12). It names devices and Macs only.
                platform = "ios" if command.endswith("IPHONEOS") else "macos"
                current[2].append((platform, fields.get("version")))
    return members


def declared_functions(header_text):
    """Function names the uniffi headers declare (every `name(` at the start of a declaration)."""
    text = re.sub(r"/\*.*?\*/|//[^\n]*", "", header_text, flags=re.S)
    text = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
    names = set()
    for decl in text.split(";"):
        decl = " ".join(decl.split())
        if decl.startswith("typedef") or "{" in decl or "}" in decl:
            continue
        m = re.search(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(", decl)
        if m and not decl.startswith("("):
            names.add(m.group(1))
    return names


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    zip_path, package_dir = sys.argv[1:]
    lipo, objdump, nm = tool("lipo"), tool("objdump"), tool("nm")
    manifest = open(os.path.join(package_dir, "Package.swift")).read()
    minimums = manifest_minimums(manifest)
    work = tempfile.mkdtemp(prefix="check-xcframework.")
    try:
        checks(zip_path, package_dir, manifest, minimums, work, lipo, objdump, nm)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def checks(zip_path, package_dir, manifest, minimums, work, lipo, objdump, nm):
    data = open(zip_path, "rb").read()
    checksum = hashlib.sha256(data).hexdigest()

    # --- the zip ------------------------------------------------------------------------------
    failures = []
    with zipfile.ZipFile(zip_path) as z:
        names = z.namelist()
        for info in z.infolist():
            mode = info.external_attr >> 16
            if (mode & 0o170000) == 0o120000:
                failures.append(f"symbolic link: {info.filename}")
        outside = [n for n in names if not n.startswith(NAME + "/")]
        if outside:
            failures.append(f"entries outside {NAME}/: {outside[:5]}")
        z.extractall(work)
    expected = {f"{NAME}/", f"{NAME}/Info.plist"}
    for slice_id in SLICES:
        expected |= {f"{NAME}/{slice_id}/", f"{NAME}/{slice_id}/{LIBRARY}", f"{NAME}/{slice_id}/Headers/"}
        expected |= {f"{NAME}/{slice_id}/Headers/{h}" for h in HEADERS}
    if set(names) != expected:
        failures.append(f"unexpected entries: {sorted(set(names) - expected)}; missing: {sorted(expected - set(names))}")
    check(f"zip: exactly {NAME}/ with Info.plist and 3 slices (library, Headers/), no links", failures)

    xc = os.path.join(work, NAME)
    failures = []
    again = os.path.join(work, "again.zip")
    subprocess.run([sys.executable, os.path.join(HERE, "deterministic-zip.py"), work, NAME, again], check=True)
    if hashlib.sha256(open(again, "rb").read()).hexdigest() != checksum:
        failures.append("zipping the unpacked tree again gives other bytes")
    os.remove(again)
    check("zip: reproducible (unpacked and zipped again: the same SHA-256)", failures)

    # --- Info.plist -----------------------------------------------------------------------------
    failures = []
    with open(os.path.join(xc, "Info.plist"), "rb") as f:
        plist = plistlib.load(f)
    if plist.get("CFBundlePackageType") != "XFWK":
        failures.append(f"CFBundlePackageType {plist.get('CFBundlePackageType')!r}")
    if plist.get("XCFrameworkFormatVersion") != "1.0":
        failures.append(f"XCFrameworkFormatVersion {plist.get('XCFrameworkFormatVersion')!r}")
    libraries = {lib.get("LibraryIdentifier"): lib for lib in plist.get("AvailableLibraries", [])}
    if sorted(libraries) != sorted(SLICES):
        failures.append(f"LibraryIdentifier values {sorted(libraries)}")
    for slice_id, (platform, variant, archs, _) in SLICES.items():
        lib = libraries.get(slice_id, {})
        want = {
            "LibraryPath": LIBRARY,
            "BinaryPath": LIBRARY,
            "HeadersPath": "Headers",
            "SupportedPlatform": platform,
            "SupportedArchitectures": archs,
        }
        for key, value in want.items():
            if lib.get(key) != value:
                failures.append(f"{slice_id}: {key} = {lib.get(key)!r}, expected {value!r}")
        if lib.get("SupportedPlatformVariant") != variant:
            failures.append(f"{slice_id}: SupportedPlatformVariant = {lib.get('SupportedPlatformVariant')!r}, expected {variant!r}")
        extra = set(lib) - set(want) - {"SupportedPlatformVariant", "LibraryIdentifier"}
        if extra:
            failures.append(f"{slice_id}: unexpected keys {sorted(extra)}")
        for key in ("LibraryPath", "HeadersPath"):
            if lib.get(key) and not os.path.exists(os.path.join(xc, slice_id, lib[key])):
                failures.append(f"{slice_id}: {key} {lib[key]} does not exist")
    check("Info.plist: XFWK 1.0; each slice's identifier, library and headers paths, platform, variant, architectures", failures)

    # --- the libraries: architectures, platforms, symbols ---------------------------------------------
    headers_dir = os.path.join(xc, "ios-arm64", "Headers")
    declared = set()
    for h in ("ClienteleFFI.h", "ClienteleCoreFFI.h"):
        declared |= declared_functions(open(os.path.join(headers_dir, h)).read())
    for slice_id, (_, _, archs, build_platform) in SLICES.items():
        library = os.path.join(xc, slice_id, LIBRARY)
        failures = []
        magic = open(library, "rb").read(8)
        if magic[:4] == b"\xca\xfe\xba\xbe":
            found = run(lipo, "-archs", library).split()
            info = run(lipo, "-info", library)
            if "Architectures in the fat file" not in info:
                failures.append(f"llvm-lipo -info: {info.strip()}")
            how = "universal: llvm-lipo -archs"
        elif magic == b"!<arch>\n":
            # A thin archive. Debian's llvm-lipo (14 and 19) crashes printing a thin archive's
            # architecture (-info, -archs), so it is read from its objects' Mach-O headers.
            found = sorted({cpu for _, cpu, _, _ in objects(run(objdump, "--macho", "--private-headers", library))})
            found = [arch for arch, cpu in CPU.items() if cpu in found] + [cpu for cpu in found if cpu not in CPU.values()]
            how = "thin archive: its objects' cputype"
        else:
            found = []
            how = "neither a universal file nor an archive"
            failures.append(f"{LIBRARY} starts with {magic!r}")
        if sorted(found) != sorted(archs):
            failures.append(f"architectures {found}, expected {archs}")
        if (magic[:4] == b"\xca\xfe\xba\xbe") != (len(archs) > 1):
            failures.append("universal where one architecture was expected, or the reverse")
        check(f"{slice_id}: {', '.join(archs)} ({how})", failures)

        minimum = minimums.get(build_platform)
        for arch in archs:
            thin = library
            if len(archs) > 1:
                thin = os.path.join(work, f"{slice_id}-{arch}.a")
                run(lipo, "-thin", arch, library, "-output", thin)
            failures = []
            members = objects(run(objdump, "--macho", "--private-headers", thin))
            if not members:
                failures.append("no object files found")
            lto = []
            for member, cpu, versions, segments in members:
                if "__LLVM" in segments:
                    failures.append(f"{member}: still carries LLVM bitcode (__LLVM)")
                if cpu != CPU[arch]:
                    failures.append(f"{member}: cputype {cpu}, expected {CPU[arch]}")
                if len(versions) != 1:
                    failures.append(f"{member}: {len(versions)} platform load commands, expected 1")
                for platform, minos in versions:
                    if platform != build_platform:
                        failures.append(f"{member}: platform {platform}, expected {build_platform}")
                    if not minimum or not minos or version(minos) > version(minimum):
                        failures.append(f"{member}: minos {minos} is above the package's minimum {minimum}")
                if member.startswith("clientele_ffi-"):
                    lto += [minos for _, minos in versions]
            # The library's own code (one object: fat LTO) is built for exactly the package's minimum.
            if lto != [minimum]:
                failures.append(f"the clientele_ffi object's minos: {lto}, expected [{minimum}]")
            check(f"{slice_id} {arch}: {len(members)} objects, every one Mach-O {CPU[arch]} for {build_platform}, "
                  f"minos <= {minimum} (the library's own: {minimum}), no bitcode", failures)

            failures = []
            defined = set(run(nm, "--defined-only", "--extern-only", "--just-symbol-name", thin).split())
            missing = sorted(name for name in declared if "_" + name not in defined)
            if not declared:
                failures.append("no functions found in the headers")
            failures += [f"not defined: {name}" for name in missing]
            check(f"{slice_id} {arch}: all {len(declared)} functions the headers declare are defined", failures)

    # --- headers and module map ---------------------------------------------------------------------------
    failures = []
    reference = {h: open(os.path.join(headers_dir, h), "rb").read() for h in HEADERS}
    for slice_id in SLICES:
        for h in HEADERS:
            if open(os.path.join(xc, slice_id, "Headers", h), "rb").read() != reference[h]:
                failures.append(f"{slice_id}/Headers/{h} differs from ios-arm64's")
    # The Linux form of the package (Sources/ClienteleFFI) carries the very same C module.
    for h in HEADERS:
        linux = os.path.join(package_dir, "Sources", "ClienteleFFI", h)
        if not os.path.exists(linux) or open(linux, "rb").read() != reference[h]:
            failures.append(f"Sources/ClienteleFFI/{h} of the package differs from the XCFramework's")
    modulemap = reference["module.modulemap"].decode()
    m = re.fullmatch(r'\s*module\s+ClienteleFFI\s*\{(.*)\}\s*', modulemap, re.S)
    if not m:
        failures.append(f"module.modulemap does not declare exactly `module ClienteleFFI {{ ... }}`:\n{modulemap}")
    else:
        body = [l.strip() for l in m.group(1).strip().splitlines() if l.strip()]
        headers = [re.fullmatch(r'header\s+"([^"]+)"', l).group(1) for l in body if re.fullmatch(r'header\s+"([^"]+)"', l)]
        if sorted(headers) != ["ClienteleCoreFFI.h", "ClienteleFFI.h"]:
            failures.append(f"module.modulemap headers: {headers}")
        if "export *" not in body or len(body) != len(headers) + 1:
            failures.append(f"module.modulemap body: {body}")
    for h in ("ClienteleFFI.h", "ClienteleCoreFFI.h"):
        text = reference[h].decode()
        if "#include <stdint.h>" not in text or "RustBuffer" not in text:
            failures.append(f"{h} is not a uniffi header")
    if "ffi_clientele_ffi_uniffi_contract_version" not in declared:
        failures.append("ClienteleFFI.h lacks ffi_clientele_ffi_uniffi_contract_version")
    check("Headers: the same in every slice and in the Linux form; module ClienteleFFI = both headers, export *", failures)

    # --- the manifest names this zip --------------------------------------------------------------------------
    failures = []
    target = re.search(r'\.binaryTarget\(\s*name:\s*"([^"]+)",\s*url:\s*"([^"]+)",\s*checksum:\s*"([^"]+)"\s*\)', manifest)
    if not target:
        failures.append("no .binaryTarget(name:url:checksum:) in Package.swift")
    else:
        name, url, sum_ = target.groups()
        if name != "ClienteleFFI":
            failures.append(f"binaryTarget name {name!r}")
        if not url.startswith("https://") or not url.endswith("/" + os.path.basename(zip_path)):
            failures.append(f"url {url!r} is not https, or does not name {os.path.basename(zip_path)}")
        if sum_ != checksum:
            failures.append(f"checksum {sum_} != the zip's SHA-256 {checksum}")
    if not minimums.get("ios") or not minimums.get("macos"):
        failures.append(f"platforms in Package.swift: {minimums}")
    check(f"Package.swift: binaryTarget ClienteleFFI, https url of the zip, checksum {checksum[:12]}... = the zip's SHA-256", failures)


if __name__ == "__main__":
    main()
