; The per-user Windows installer of cdf-signin (NSIS 3, Unicode). Built by
; packaging/windows/build.sh, which passes VERSION, SRC (the directory with both
; executables, the icon and the README), PICTURES (finish.bmp) and OUTFILE with /D.
;
; - Installs into %LOCALAPPDATA%\Programs\cdf-signin without administrator rights.
; - Start menu: "cdf-signin", which starts cdf-signin-window.exe (the GUI-subsystem
;   build: no console window), with the icon.
; - Optional (a component, off by default): adds the install directory to the user's PATH,
;   so `cdf-signin` runs in cmd, PowerShell and Windows Terminal. The program itself
;   changes the value (`cdf-signin path add|remove DIR`): NSIS strings end at 1,024
;   characters, and a longer PATH read back as empty once wiped a person's PATH.
; - Optional (off by default): "Start in the notification area when I sign in", the
;   user's Run key value that `cdf-signin tray --autostart on` writes (the program writes
;   and removes it, as its window's Settings do; the uninstaller asks it to remove it).
; - Registers an uninstaller (Settings > Apps). Uninstalling first asks a running
;   cdf-signin window to close (and waits for it, or asks the person); it keeps profiles,
;   tokens and the Credential Manager entries unless "Remove my profiles ..." is chosen.
; Silent: `cdf-signin-setup.exe /S` (installs without PATH), `/S /ADDTOPATH` (with it),
; `/TRAY` (with the tray at sign-in); `/D=DIR` sets the directory.
; Silent uninstall: `uninstall.exe /S` keeps profiles; `uninstall.exe /S /REMOVEDATA` is the
; "Remove my profiles ..." choice. Exit status 2 when cdf-signin kept running (nothing was
; removed, the Settings > Apps entry stays), 1 when profiles or the PATH entry could not be
; removed (what could not is printed in the details and the folders are kept). That status
; is seen only with `_?=INSTDIR` (the uninstaller then runs in place instead of from a copy
; in %TEMP%).

; 64-bit, like the program (and Wine without its 32-bit half runs it).
Target amd64-unicode
!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "WinMessages.nsh"
!include "FileFunc.nsh"
!include "Sections.nsh"

!define APP "cdf-signin"
; PUBLISHER comes from build.sh: Cargo.toml's first author, the one place it is set.
!ifndef PUBLISHER
  !error "PUBLISHER is not defined: build with packaging/windows/build.sh"
!endif
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\cdf-signin"

Name "${APP}"
Caption "${APP} ${VERSION} Setup"
UninstallCaption "${APP} ${VERSION} Uninstall"
BrandingText "${APP} ${VERSION}"
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
VIAddVersionKey "CompanyName" "${PUBLISHER}"

!define MUI_ICON "${SRC}\cdf-signin.ico"
!define MUI_UNICON "${SRC}\cdf-signin.ico"
; The Welcome and Finish pages' picture: the icon on a plain background (build.sh).
!define MUI_WELCOMEFINISHPAGE_BITMAP "${PICTURES}\finish.bmp"
!define MUI_UNWELCOMEFINISHPAGE_BITMAP "${PICTURES}\finish.bmp"
!define MUI_ABORTWARNING
; The components' descriptions below the list, which leaves the names room.
!define MUI_COMPONENTSPAGE_SMALLDESC

!define MUI_WELCOMEPAGE_TITLE "Install ${APP} ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "cdf-signin signs you in to Cognite Data Fusion and hands access tokens to your scripts and tools.$\r$\n$\r$\nThis installs, for you alone and without administrator rights:$\r$\n$\r$\n  - the cdf-signin window, with a Start menu shortcut;$\r$\n  - the cdf-signin command for cmd and PowerShell (on your PATH if you choose).$\r$\n$\r$\nIt goes into $LOCALAPPDATA\Programs\${APP} unless you choose another folder. Your profiles and tokens are kept apart from the program, so an upgrade or a reinstall keeps them."
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_TITLE "${APP} ${VERSION} is installed"
!define MUI_FINISHPAGE_TEXT "Start cdf-signin from the Start menu. In a terminal, run cdf-signin --help (after opening a new terminal, if you added it to your PATH)."
!define MUI_FINISHPAGE_RUN "$INSTDIR\cdf-signin-window.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start cdf-signin now"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "cdf-signin" SecMain
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
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\cdf-signin.ico"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ; Settings > Apps shows the size (in KiB).
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0
SectionEnd

; Off by default: changing PATH is the person's choice. The program reads and writes the
; value whole (any length, REG_EXPAND_SZ and every entry kept) and says `added` or
; `present`; only a folder it added is removed again by the uninstaller.
Section /o "Add to my PATH" SecPath
  nsExec::ExecToStack '"$INSTDIR\cdf-signin.exe" path add "$INSTDIR"'
  Pop $0
  Pop $1
  StrCpy $2 $1 5
  ${If} $0 != 0
    DetailPrint "PATH unchanged: $1"
    MessageBox MB_OK|MB_ICONEXCLAMATION "cdf-signin could not be added to your PATH; it was left as it was.$\r$\n$\r$\n$1" /SD IDOK
    SetErrorLevel 1
  ${ElseIf} $2 == "added"
    WriteRegDWORD HKCU "${UNINST_KEY}" "AddedToPath" 1
    DetailPrint "Added $INSTDIR to your PATH"
    ; Running programs (Explorer, new terminals) read the new value.
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  ${Else}
    DetailPrint "$INSTDIR is on your PATH already"
  ${EndIf}
SectionEnd

; Off by default: what starts at sign-in is the person's choice. The program writes the
; Run value (`cdf-signin-window.exe tray`, so no console opens), the one place that
; knows its name; the uninstaller removes it the same way.
Section /o "Start in the notification area when I sign in" SecTray
  nsExec::ExecToStack '"$INSTDIR\cdf-signin.exe" tray --autostart on'
  Pop $0
  Pop $1
  ${If} $0 != 0
    DetailPrint "The tray will not start at sign-in: $1"
    MessageBox MB_OK|MB_ICONEXCLAMATION "cdf-signin could not be set to start in the notification area when you sign in.$\r$\n$\r$\n$1" /SD IDOK
    SetErrorLevel 1
  ${Else}
    DetailPrint "The cdf-signin tray starts when you sign in"
  ${EndIf}
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecMain} "The cdf-signin window (Start menu) and command, with an uninstaller in Settings > Apps."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecPath} "Run cdf-signin in cmd, PowerShell and Windows Terminal (your own PATH only)."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecTray} "The cdf-signin icon in the notification area at each sign-in: copy any profile's token from its menu without opening the window."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function .onInit
  SetShellVarContext current
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ADDTOPATH" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecPath}
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/TRAY" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecTray}
  ${EndIf}
FunctionEnd

; ---------------------------------------------------------------- uninstaller

; Whether either executable is still running: a running program's file cannot be opened
; for writing. Sets $R8 to the name of the first one in use, empty when none is.
Function un.InUse
  StrCpy $R8 ""
  ${ForEach} $R7 0 1 + 1
    ${If} $R7 == 0
      StrCpy $R6 "cdf-signin-window.exe"
    ${Else}
      StrCpy $R6 "cdf-signin.exe"
    ${EndIf}
    ${If} ${FileExists} "$INSTDIR\$R6"
      ClearErrors
      FileOpen $R5 "$INSTDIR\$R6" a
      ${If} ${Errors}
        StrCpy $R8 $R6
        ${Break}
      ${EndIf}
      FileClose $R5
    ${EndIf}
  ${Next}
FunctionEnd

; A running window is asked to close, as its close button would (taskkill without /F
; sends it WM_CLOSE; it saves its settings and ends), then waited for up to 10 s. One
; still running is the person's to close; silently, the uninstall stops with status 2 and
; removes nothing.
Function un.CloseRunning
  Call un.InUse
  ${If} $R8 == ""
    Return
  ${EndIf}
  DetailPrint "Asking cdf-signin to close"
  ; The tray has no window to close: it is asked as `tray --quit` asks it.
  nsExec::Exec '"$INSTDIR\cdf-signin.exe" tray --quit'
  Pop $0
  nsExec::Exec 'taskkill /IM cdf-signin-window.exe'
  Pop $0
  ${ForEach} $R4 1 20 + 1
    Sleep 500
    Call un.InUse
    ${If} $R8 == ""
      Return
    ${EndIf}
  ${Next}
  ${Do}
    ${If} ${Silent}
    ${OrIf} ${Cmd} `MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "cdf-signin ($R8) is still running.$\r$\n$\r$\nClose its window (and any cdf-signin command in a terminal), then click Retry. Cancel stops the uninstall; nothing has been removed." IDCANCEL`
      DetailPrint "$R8 is still running; nothing was removed"
      SetErrorLevel 2
      Quit
    ${EndIf}
    Call un.InUse
  ${LoopUntil} $R8 == ""
FunctionEnd

Section "-un.Close"
  Call un.CloseRunning
SectionEnd

; Off by default: profiles, tokens and secrets stay for a reinstall or an upgrade.
; `profile remove --all` clears every profile's Credential Manager entries and cached
; tokens; only when it succeeds do the settings, data and cache folders go (deleting them
; around entries it could not remove would leave those orphaned). Runs before the program
; is removed, and after the window has closed, so nothing writes its settings again.
Section /o "un.Remove my profiles, tokens and stored secrets" UnSecData
  nsExec::ExecToStack '"$INSTDIR\cdf-signin.exe" profile remove --all'
  Pop $0
  Pop $1
  ${If} $0 == 0
    RMDir /r "$APPDATA\cognite\cdf-signin"
    RMDir /r "$LOCALAPPDATA\cognite\cdf-signin"
    ; Where earlier versions kept the window's settings.
    RMDir /r "$APPDATA\cdf-signin"
  ${Else}
    DetailPrint "Profiles not removed: $1"
    MessageBox MB_OK|MB_ICONEXCLAMATION "Not every profile could be removed, so your cdf-signin folders were kept:$\r$\n$\r$\n$1$\r$\nRemove them later with: cdf-signin profile remove --all" /SD IDOK
    SetErrorLevel 1
  ${EndIf}
SectionEnd

Section "un.cdf-signin" UnSecMain
  SectionIn RO
  ReadRegDWORD $0 HKCU "${UNINST_KEY}" "AddedToPath"
  ${If} $0 == 1
    nsExec::ExecToStack '"$INSTDIR\cdf-signin.exe" path remove "$INSTDIR"'
    Pop $0
    Pop $1
    ${If} $0 == 0
      SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
    ${Else}
      DetailPrint "PATH unchanged: $1"
      MessageBox MB_OK|MB_ICONEXCLAMATION "$INSTDIR could not be taken out of your PATH:$\r$\n$\r$\n$1" /SD IDOK
      SetErrorLevel 1
    ${EndIf}
  ${EndIf}
  ; The tray's Run value, if it was set (the installer's choice or the window's Settings).
  nsExec::ExecToStack '"$INSTDIR\cdf-signin.exe" tray --autostart off'
  Pop $0
  Pop $1
  ${If} $0 != 0
    DetailPrint "The tray's start at sign-in was not removed: $1"
  ${EndIf}
  Delete "$SMPROGRAMS\${APP}.lnk"
  Delete "$INSTDIR\cdf-signin.exe"
  Delete "$INSTDIR\cdf-signin-window.exe"
  Delete "$INSTDIR\cdf-signin.ico"
  Delete "$INSTDIR\README.md"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  ; Folders left empty: the `cognite` parents, the old place of the window's settings.
  RMDir "$APPDATA\cdf-signin\data"
  RMDir "$APPDATA\cdf-signin"
  RMDir "$APPDATA\cognite"
  RMDir "$LOCALAPPDATA\cognite"
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecMain} "The program, its Start menu shortcut, its start at sign-in, and the PATH entry the installer added."
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecData} "Every profile with its secrets and tokens (Credential Manager too) and the settings. Unticked, a reinstall finds them."
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END

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
