; SIPAS Desktop installer (NSIS 3, Unicode, x64). Built by installer/cross_build.py on Linux
; (Debian's makensis) or installer/build_windows.ps1 on Windows:
;
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DSRCDIR=<dist\SIPAS> -DOUTFILE=<setup.exe> sipas.nsi
;
; - per-user install to %LOCALAPPDATA%\Programs\SIPAS: no administrator rights needed (commune
;   PCs often have none); Start-menu and desktop shortcuts for this user only;
; - Vietnamese (default) and English pages; the uninstaller remembers the language;
; - upgrade in place: installing a newer version over an older one replaces the program files
;   (the old _internal\ folder is removed first, so no stale library is left) and keeps the data;
; - the data (%LOCALAPPDATA%\SIPAS: database, backups, logs) is never touched by installing,
;   and the uninstaller removes it only when asked (an unticked box, or /REMOVEDATA when silent);
; - silent use: setup.exe /S [/D=folder]   uninstall.exe /S [/REMOVEDATA]

Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "Pass -DVERSION=x.y.z"
!endif
!ifndef SRCDIR
  !error "Pass -DSRCDIR=<PyInstaller onedir folder holding SIPAS.exe>"
!endif
!ifndef OUTFILE
  !define OUTFILE "SIPAS-Setup-${VERSION}-x64.exe"
!endif

!define APPNAME "SIPAS Desktop"
!define APPKEY "Software\SIPAS Desktop"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\SIPAS Desktop"
!define DATADIR "$LOCALAPPDATA\SIPAS"

!include "MUI2.nsh"
!include "FileFunc.nsh"

Name "${APPNAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\SIPAS"
InstallDirRegKey HKCU "${APPKEY}" "InstallDir"
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "Cài đặt ${APPNAME}"
VIAddVersionKey /LANG=0 "CompanyName" "${APPNAME}"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT License"

!define MUI_ICON "sipas.ico"
!define MUI_UNICON "sipas.ico"
!define MUI_ABORTWARNING
!define MUI_LANGDLL_REGISTRY_ROOT HKCU
!define MUI_LANGDLL_REGISTRY_KEY "${APPKEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"
!define MUI_FINISHPAGE_RUN "$INSTDIR\SIPAS.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_COMPONENTSPAGE_TEXT_TOP "$(DataPageTop)"
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default (and the one used by a silent install).
!insertmacro MUI_LANGUAGE "Vietnamese"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

LangString RunningMsg ${LANG_VIETNAMESE} "SIPAS Desktop đang chạy. Hãy đóng chương trình (Tệp › Thoát) rồi bấm Thử lại."
LangString RunningMsg ${LANG_ENGLISH} "SIPAS Desktop is running. Close it (Tệp › Thoát), then press Retry."
LangString ProgramSection ${LANG_VIETNAMESE} "Chương trình SIPAS Desktop"
LangString ProgramSection ${LANG_ENGLISH} "SIPAS Desktop program"
LangString DataSection ${LANG_VIETNAMESE} "Xóa cả dữ liệu (không lấy lại được)"
LangString DataSection ${LANG_ENGLISH} "Also delete the data (cannot be undone)"
LangString DataPageTop ${LANG_VIETNAMESE} "Dữ liệu (cơ sở dữ liệu, bản sao lưu, nhật ký ở ${DATADIR}) được giữ lại để cài lại sau, trừ khi đánh dấu ô “Xóa cả dữ liệu”."
LangString DataPageTop ${LANG_ENGLISH} "The data (database, backups, logs in ${DATADIR}) is kept for a later reinstall unless you tick “Also delete the data”."
LangString UninstallLink ${LANG_VIETNAMESE} "Gỡ cài đặt SIPAS Desktop"
LangString UninstallLink ${LANG_ENGLISH} "Uninstall SIPAS Desktop"
LangString DataKept ${LANG_VIETNAMESE} "Dữ liệu được giữ lại ở ${DATADIR}."
LangString DataKept ${LANG_ENGLISH} "The data is kept in ${DATADIR}."

Function .onInit
  SetShellVarContext current
  ; Vietnamese unless the user picks English (in the dialog, or remembered from a last install);
  ; a silent install is always Vietnamese.
  StrCpy $LANGUAGE ${LANG_VIETNAMESE}
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

; A running SIPAS.exe cannot be overwritten: ask the user to close it (silent: fail with code 2).
!macro WAIT_UNTIL_CLOSED
  retry:
    IfFileExists "$INSTDIR\SIPAS.exe" 0 done
    ClearErrors
    FileOpen $0 "$INSTDIR\SIPAS.exe" a
    IfErrors 0 closed
    IfSilent 0 +3
      SetErrorLevel 2
      Quit
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(RunningMsg)" IDRETRY retry
    Quit
  closed:
    FileClose $0
  done:
!macroend

Section "!$(ProgramSection)" SecProgram
  SectionIn RO
  !insertmacro WAIT_UNTIL_CLOSED
  SetOutPath "$INSTDIR"
  ; Upgrade in place: the previous version's libraries go first, the user's data stays.
  RMDir /r "$INSTDIR\_internal"
  File "${SRCDIR}\SIPAS.exe"
  File "${SRCDIR}\sipas-cli.exe"
  File /r "${SRCDIR}\_internal"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\SIPAS Desktop"
  CreateShortcut "$SMPROGRAMS\SIPAS Desktop\SIPAS Desktop.lnk" "$INSTDIR\SIPAS.exe" "" "$INSTDIR\SIPAS.exe" 0
  CreateShortcut "$SMPROGRAMS\SIPAS Desktop\$(UninstallLink).lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\SIPAS Desktop.lnk" "$INSTDIR\SIPAS.exe" "" "$INSTDIR\SIPAS.exe" 0

  WriteRegStr HKCU "${APPKEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${APPKEY}" "Version" "${VERSION}"
  ; MUI saves the language only when its file-copy page is left, which a silent install never
  ; shows: save it here so the uninstaller speaks the same language.
  WriteRegStr HKCU "${APPKEY}" "InstallerLanguage" "$LANGUAGE"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\SIPAS.exe"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" "$0"
SectionEnd

; --- uninstaller -------------------------------------------------------------------------------

Section "un.$(ProgramSection)" SecUnProgram
  SectionIn RO
  !insertmacro WAIT_UNTIL_CLOSED
  Delete "$SMPROGRAMS\SIPAS Desktop\*.lnk"
  RMDir "$SMPROGRAMS\SIPAS Desktop"
  Delete "$DESKTOP\SIPAS Desktop.lnk"
  Delete "$INSTDIR\SIPAS.exe"
  Delete "$INSTDIR\sipas-cli.exe"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"  ; only if empty: never delete what someone else put there
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "${APPKEY}"
SectionEnd

Section /o "un.$(DataSection)" SecData
  RMDir /r "${DATADIR}"
SectionEnd

Function un.onInit
  SetShellVarContext current
  !insertmacro MUI_UNGETLANGUAGE
  ; Silent removal keeps the data unless /REMOVEDATA is given.
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/REMOVEDATA" $1
  IfErrors +2 0
    SectionSetFlags ${SecData} ${SF_SELECTED}
FunctionEnd

Function un.onUninstSuccess
  IfFileExists "${DATADIR}\*.*" 0 +3
    IfSilent +2 0
      MessageBox MB_ICONINFORMATION "$(DataKept)"
FunctionEnd
