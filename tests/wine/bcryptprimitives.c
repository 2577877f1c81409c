/* Test-only stand-in for Windows' bcryptprimitives.dll, which Wine 8 lacks and Rust's
 * standard library imports (ProcessPrng, its random source since Rust 1.78). It forwards
 * to advapi32's SystemFunction036 (RtlGenRandom), which Wine has. Real Windows 10 and
 * later ship the DLL: this file is never packaged. Built by tests/wine/prepare.sh. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
