// The `dotnet` muxer of an arm64 .NET root laid out from NuGet's runtime pack (tools/arm64/emulated.sh): no
// package ships the arm64 `dotnet` executable, and vstest needs one to start its test host
// (`dotnet exec --runtimeconfig ... testhost.dll`). hostfxr does all the work a real muxer does; this program only
// finds it beside itself and hands over its arguments.
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef HOSTFXR_RELATIVE_PATH
#error "build with -DHOSTFXR_RELATIVE_PATH=\"host/fxr/<version>/libhostfxr.so\""
#endif

typedef int (*hostfxr_main_startupinfo_fn)(int argc, const char **argv, const char *host_path,
                                           const char *dotnet_root, const char *app_path);

int main(int argc, const char **argv)
{
    // qemu-user answers /proc/self/exe with the emulated program's path, so this works under emulation too.
    char exe[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (length <= 0) { perror("dotnet-launcher: /proc/self/exe"); return 1; }
    exe[length] = '\0';

    char root[PATH_MAX];
    strcpy(root, exe);
    dirname(root);

    char fxr[PATH_MAX];
    if (snprintf(fxr, sizeof fxr, "%s/%s", root, HOSTFXR_RELATIVE_PATH) >= (int)sizeof fxr) return 1;
    void *library = dlopen(fxr, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) { fprintf(stderr, "dotnet-launcher: %s\n", dlerror()); return 1; }
    hostfxr_main_startupinfo_fn run = (hostfxr_main_startupinfo_fn)dlsym(library, "hostfxr_main_startupinfo");
    if (run == NULL) { fprintf(stderr, "dotnet-launcher: %s\n", dlerror()); return 1; }
    // The real muxer passes <root>/dotnet.dll as the app path: a file that does not exist tells hostfxr to work
    // as the muxer (`exec`, `--list-runtimes`) rather than as an app host.
    char app[PATH_MAX];
    if (snprintf(app, sizeof app, "%s/dotnet.dll", root) >= (int)sizeof app) return 1;
    return run(argc, argv, exe, root, app);
}
