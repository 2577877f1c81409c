; The per-user Windows installer of cdf-signin (NSIS 3, Unicode). Built by
; packaging/windows/build.sh, which passes VERSION, SRC (the directory with both
; executables, the icon and the README) and OUTFILE with /D.
;
; - Installs into %LOCALAPPDATA%\Programs\cdf-signin without administrator rights.
; - Start menu: "cdf-signin", which starts cdf-signin-window.exe (the GUI-subsystem
;   build: no console window), with the icon.
; - Optional (a component, off by default): adds the install directory to the user's PATH,
;   so `cdf-signin` runs in cmd, PowerShell and Windows Terminal.
; - Registers an uninstaller (Settings > Apps). Uninstalling keeps profiles, tokens and
;   the Credential Manager entries unless the "Remove my profiles ..." component is chosen.
; Silent: `cdf-signin-setup.exe /S` (installs without PATH); `/D=DIR` sets the directory.
; Silent uninstall: `uninstall.exe /S` keeps profiles; `uninstall.exe /S /REMOVEDATA` is the
; "Remove my profiles ..." choice.

; 64-bit, like the program (and Wine without its 32-bit half runs it).
Target amd64-unicode
!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "StrFunc.nsh"
!include "WinMessages.nsh"
!include "FileFunc.nsh"
!include "Sections.nsh"
${StrLoc}
${UnStrRep}

!define APP "cdf-signin"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\cdf-signin"

Name "${APP}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
; build.sh --fast (the tests, with 90 MB debug executables) stores without compressing.
!ifdef FAST
SetCompress off
!else
SetCompressor /SOLID lzma
!endif
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "FileDescription" "${APP} installer"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "Apache-2.0"
VIAddVersionKey "CompanyName" "cdf-signin developers"

!define MUI_ICON "${SRC}\cdf-signin.ico"
!define MUI_UNICON "${SRC}\cdf-signin.ico"
!define MUI_COMPONENTSPAGE_NODESC
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\cdf-signin-window.exe"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  SetShellVarContext current
FunctionEnd

Section "cdf-signin (required)" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "${SRC}\cdf-signin.exe"
  File "${SRC}\cdf-signin-window.exe"
  File "${SRC}\cdf-signin.ico"
  File "${SRC}\README.md"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\cdf-signin-window.exe" "" \
    "$INSTDIR\cdf-signin.ico" 0 SW_SHOWNORMAL "" "Sign in to Cognite Data Fusion and copy tokens"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "cdf-signin developers"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\cdf-signin.ico"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
SectionEnd

; Off by default: changing PATH is the user's choice.
Section /o "Add cdf-signin to my PATH (for cmd, PowerShell, Windows Terminal)" SecPath
  ReadRegStr $0 HKCU "Environment" "Path"
  ${StrLoc} $1 "$0" "$INSTDIR" ">"
  ${If} $1 == ""
    ${If} $0 == ""
      WriteRegExpandStr HKCU "Environment" "Path" "$INSTDIR"
    ${Else}
      WriteRegExpandStr HKCU "Environment" "Path" "$0;$INSTDIR"
    ${EndIf}
    WriteRegDWORD HKCU "${UNINST_KEY}" "AddedToPath" 1
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  ${EndIf}
SectionEnd

; Off by default: profiles, tokens and secrets stay for a reinstall or an upgrade.
; `profile remove --all` clears every profile's Credential Manager entries and cached
; tokens; then the settings and cache directories go. Runs before the program is removed.
Section /o "un.Remove my profiles, tokens and stored secrets" UnSecData
  nsExec::Exec '"$INSTDIR\cdf-signin.exe" profile remove --all'
  Pop $0
  RMDir /r "$APPDATA\cognite\cdf-signin"
  RMDir /r "$LOCALAPPDATA\cognite\cdf-signin"
  RMDir /r "$APPDATA\cdf-signin"
SectionEnd

Section "un.cdf-signin" UnSecMain
  SectionIn RO
  ReadRegDWORD $0 HKCU "${UNINST_KEY}" "AddedToPath"
  ${If} $0 == 1
    ReadRegStr $1 HKCU "Environment" "Path"
    ${UnStrRep} $1 "$1" ";$INSTDIR" ""
    ${UnStrRep} $1 "$1" "$INSTDIR" ""
    WriteRegExpandStr HKCU "Environment" "Path" "$1"
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  ${EndIf}
  Delete "$SMPROGRAMS\${APP}.lnk"
  Delete "$INSTDIR\cdf-signin.exe"
  Delete "$INSTDIR\cdf-signin-window.exe"
  Delete "$INSTDIR\cdf-signin.ico"
  Delete "$INSTDIR\README.md"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd

; After the sections, so that ${UnSecData} is defined.
Function un.onInit
  SetShellVarContext current
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/REMOVEDATA" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${UnSecData}
  ${EndIf}
FunctionEnd
