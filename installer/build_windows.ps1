# Build SIPAS Desktop and its installer on a real Windows x64 machine.
#
# Needs: Python 3.12 x64 from python.org (with the "py" launcher and tcl/tk, the default) and
# NSIS 3 (nsis.sourceforge.io; makensis on PATH or in its default folder). Run from the checkout:
#
#   powershell -ExecutionPolicy Bypass -File installer\build_windows.ps1 [-SkipSelftest]
#
# Same spec and NSIS script as the Linux cross-build (installer/cross_build.py), so both give
# the same dist\windows\SIPAS\ folder and dist\SIPAS-Setup-<version>-x64.exe. The dependencies
# come from setup.cfg (pip on Windows picks the Windows-only ones, pefile and pywin32-ctypes,
# by itself). This script was written for, but not yet run on, a real Windows machine: the
# cross-build is the tested path.
param(
    [string]$PythonVersion = "3.12",
    [switch]$SkipSelftest
)
$ErrorActionPreference = "Stop"
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root

function Invoke-Checked([string]$What, [scriptblock]$Block) {
    Write-Host "--> $What"
    $started = Get-Date
    & $Block
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit $LASTEXITCODE)" }
    Write-Host ("    {0:N1} s" -f ((Get-Date) - $started).TotalSeconds)
}

$Venv = Join-Path $Root ".venv-win"
$Py = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $Py)) {
    Invoke-Checked "virtual environment (Python $PythonVersion)" { py "-$PythonVersion" -m venv $Venv }
}
Invoke-Checked "packages" {
    & $Py -m pip install --quiet --upgrade pip
    & $Py -m pip install --quiet -e ".[dev]"
}
Invoke-Checked "PyInstaller" {
    & $Py -m PyInstaller --noconfirm --log-level WARN --distpath dist\windows `
        --workpath build\pyinstaller-win installer\sipas.spec
}
if (-not $SkipSelftest) {
    # sipas-cli.exe is the console twin of SIPAS.exe: its output shows here.
    Invoke-Checked "self-test of the built program" { & dist\windows\SIPAS\sipas-cli.exe --selftest }
}

$Version = (& $Py -c "import sipas_desktop; print(sipas_desktop.__version__)").Trim()
$Makensis = (Get-Command makensis -ErrorAction SilentlyContinue).Source
if (-not $Makensis) { $Makensis = Join-Path ${env:ProgramFiles(x86)} "NSIS\makensis.exe" }
if (-not (Test-Path $Makensis)) { throw "NSIS 3 not found: install it from nsis.sourceforge.io" }
$Setup = Join-Path $Root "dist\SIPAS-Setup-$Version-x64.exe"
Invoke-Checked "NSIS installer" {
    Push-Location installer
    try {
        & $Makensis -V2 -INPUTCHARSET UTF8 "-DVERSION=$Version" "-DSRCDIR=$Root\dist\windows\SIPAS" `
            "-DOUTFILE=$Setup" sipas.nsi
    } finally { Pop-Location }
}
Write-Host ("Built {0}: {1:N1} MB" -f $Setup, ((Get-Item $Setup).Length / 1MB))
