// Declares the profiling builds' one import (core/profile.c) to the linker,
// so that every other undefined symbol still fails the link. The JavaScript
// that instantiates the module supplies it (js/wasm.mjs, js/threads_worker.mjs).
mergeInto(LibraryManager.library, {
  fw_profile_clock: function () {}
})
