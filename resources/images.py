"""Images sent with messages: stored without their metadata, shown by a thumbnail.

A photo from a phone carries EXIF: the camera, the time and often where it was taken.
Before an image is stored its pixels are drawn again into a new file (turned upright as
its EXIF said) that carries none of that, so neither the image a member opens nor its
thumbnail tells anyone where it was taken. Both are made on the server with Pillow.
"""

import io
import warnings
from dataclasses import dataclass

from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gwd.errors import ServiceError
from resources import files

# An image of more pixels than this is refused before it is decoded: a small file can
# declare a huge canvas (a decompression bomb).
MAX_PIXELS = 40_000_000
THUMBNAIL_SIZE = (480, 480)
THUMBNAIL_TYPE = files.JPEG
FORMATS = {files.JPEG: "JPEG", files.PNG: "PNG"}


@dataclass(frozen=True)
class Cleaned:
    upload: UploadedFile  # the image without metadata, to be stored in its place
    thumbnail: bytes  # a JPEG of at most THUMBNAIL_SIZE
    width: int
    height: int


def _refused() -> ServiceError:
    return ServiceError(_("This image cannot be read."), code="rejected")


def _too_large() -> ServiceError:
    return ServiceError(
        _("The image is too large: at most %(megapixels)d megapixels.")
        % {"megapixels": MAX_PIXELS // 1_000_000},
        code="too_large",
    )


def _open(upload: UploadedFile) -> Image.Image:
    upload.seek(0)
    try:
        # Opening reads the header only. Pillow warns of a canvas over 89 MP and refuses
        # one over 179 MP itself; MAX_PIXELS, below both, is checked just after.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload)
    except Image.DecompressionBombError:
        raise _too_large() from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise _refused() from None
    if image.width * image.height > MAX_PIXELS:
        raise _too_large()
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise _refused() from None
    return upright if upright is not None else image


def image_clean(upload: UploadedFile, content_type: str) -> Cleaned:
    """The image of `upload` (JPEG or PNG, as files.sniff found) drawn again without
    EXIF, XMP, comments or text chunks, and its thumbnail."""
    image = _open(upload)
    # Only what the pixels need survives: a PNG's transparent colour.
    kept = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
    image.info = {}
    if content_type == files.JPEG and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    cleaned = TemporaryUploadedFile(upload.name or "image", content_type, 0, None)
    image.save(cleaned, FORMATS[content_type], quality=90, **kept)
    cleaned.size = cleaned.tell()
    cleaned.seek(0)
    return Cleaned(
        upload=cleaned,
        thumbnail=_thumbnail(image),
        width=image.width,
        height=image.height,
    )


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail(THUMBNAIL_SIZE)
    if small.mode in ("RGBA", "LA", "P"):
        rgba = small.convert("RGBA")
        small = Image.new("RGB", rgba.size, "white")
        small.paste(rgba, mask=rgba.getchannel("A"))
    elif small.mode != "RGB":
        small = small.convert("RGB")
    out = io.BytesIO()
    small.save(out, "JPEG", quality=82)
    return out.getvalue()
