"""A playback device on miniaudio's C library, called through the package's compiled module.

The ``miniaudio`` package has two parts: ``_miniaudio``, the compiled library (about 2 ms to
load), and ``miniaudio.py``, a Python layer over it whose import costs about twice
``import click``, most of it ``urllib.request`` for an internet-radio client psoas never
uses. psoas needs six of the library's calls (list the backends, open a context on the real
ones, open, start, stop and close a device), so it makes them itself and a run with sound
draws its first frame as soon as a silent one.

The library calls back into Python through two functions it declares by name; they are
defined here to hand each call to the device behind ``pUserData``, exactly as the Python
layer defines them, so the two still agree if both are ever loaded in one process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from _miniaudio import ffi, lib

if TYPE_CHECKING:
    from array import array
    from collections.abc import Generator

    Feed = Generator[array[int], int, None]
    """Sends the number of frames the device wants; yields at most that many samples."""

MOST_BACKENDS = 32
"""Room for the library's list of backends: it has about fifteen."""

BYTES_PER_SAMPLE = 2
"""Signed 16-bit mono, the format tones and speech are made in."""


class DeviceError(Exception):
    """The library refused: no context, no device, or a device that would not start."""


def real_backends() -> list[int]:
    """The backends this build of the library has, less those that play nowhere: the null
    backend "plays" in silence, and the custom and web ones need a host psoas is not."""
    count = ffi.new("size_t *")
    backends = ffi.new("ma_backend[]", MOST_BACKENDS)
    if lib.ma_get_enabled_backends(backends, MOST_BACKENDS, count) != lib.MA_SUCCESS:
        raise DeviceError("cannot list the audio backends")
    nowhere = {lib.ma_backend_null, lib.ma_backend_custom, lib.ma_backend_webaudio}
    return [backend for backend in backends[0 : count[0]] if backend not in nowhere]


class PlaybackDevice:
    """The default playback device in signed 16-bit mono, opened on a real backend; a
    started device pulls its sound from a ``Feed`` on the library's own thread."""

    def __init__(
        self, *, sample_rate: int, period_milliseconds: int, periods: int, app_name: str
    ) -> None:
        self._feed: Feed | None = None
        self._running = False
        self._device: Any = None
        self._handle = ffi.new_handle(self)
        self._app_name = ffi.new("char[]", app_name.encode())
        self._context = _open_context(real_backends(), self._app_name)
        config = lib.ma_device_config_init(lib.ma_device_type_playback)
        config.sampleRate = sample_rate
        config.playback.channels = 1
        config.playback.format = lib.ma_format_s16
        config.playback.pDeviceID = ffi.NULL
        config.periodSizeInMilliseconds = period_milliseconds
        config.periods = periods
        config.pUserData = self._handle
        config.dataCallback = lib._internal_data_callback
        config.stopCallback = lib._internal_stop_callback
        self._config = config
        device = ffi.new("ma_device *")
        if lib.ma_device_init(self._context, ffi.addressof(config), device) != lib.MA_SUCCESS:
            lib.ma_context_uninit(self._context)
            raise DeviceError("no playback device found")
        self._device = device
        backend = self._device.pContext.backend
        self.backend: str = ffi.string(lib.ma_get_backend_name(backend)).decode()
        if backend == lib.ma_backend_null:
            self.close()
            raise DeviceError("only the null backend would play")

    def start(self, feed: Feed) -> None:
        """Begin playing what ``feed`` yields (a generator already started)."""
        self._feed = feed
        if lib.ma_device_start(self._device) != lib.MA_SUCCESS:
            self._feed = None
            raise DeviceError("the playback device would not start")
        self._running = True

    def stop(self) -> None:
        """Stop playing; what the device held is dropped."""
        self._feed = None
        if self._running:
            self._running = False
            if lib.ma_device_stop(self._device) != lib.MA_SUCCESS:
                raise DeviceError("the playback device would not stop")

    def close(self) -> None:
        """Stop and let go of the device and its context; safe to call more than once."""
        if self._device is None:
            return
        self._feed = None
        self._running = False
        lib.ma_device_uninit(self._device)  # which stops it first
        lib.ma_context_uninit(self._context)
        self._device = None

    def __del__(self) -> None:
        """Closed however it is dropped: the library's thread must never call back into a
        device Python has let go of."""
        self.close()

    def _data_callback(self, device: Any, output: Any, _input: Any, frames: int) -> None:
        """The library wants ``frames`` samples; what the feed yields is copied in, and the
        rest of the buffer stays silent (the library clears it first)."""
        feed = self._feed
        if feed is None:
            return
        try:
            samples = feed.send(frames)
        except StopIteration:
            self._feed = None
            return
        size = min(len(samples), frames) * BYTES_PER_SAMPLE
        if size:
            ffi.memmove(output, samples, size)

    def _stop_callback(self, device: Any) -> None:
        """The device stopped (asked to, or lost): it plays nothing until started again."""
        self._running = False


def _open_context(backends: list[int], app_name: Any) -> Any:
    """A library context trying only ``backends``, in the library's order of preference."""
    config = lib.ma_context_config_init()
    config.pulse.pApplicationName = app_name
    config.jack.pClientName = app_name
    chosen = ffi.new("ma_backend[]", backends)
    context = ffi.new("ma_context *")
    if lib.ma_context_init(chosen, len(backends), ffi.addressof(config), context) != (
        lib.MA_SUCCESS
    ):
        raise DeviceError("cannot open the audio system")
    return context


@ffi.def_extern()  # type: ignore[untyped-decorator]
def _internal_data_callback(device: Any, output: Any, _input: Any, frames: int) -> None:
    """The library's data callback, handed to the device it belongs to."""
    if frames > 0 and device.pUserData:
        ffi.from_handle(device.pUserData)._data_callback(device, output, _input, frames)


@ffi.def_extern()  # type: ignore[untyped-decorator]
def _internal_stop_callback(device: Any) -> None:
    """The library's stop callback, handed to the device it belongs to."""
    if device.pUserData:
        ffi.from_handle(device.pUserData)._stop_callback(device)
