// Image I/O and pixel operations on OpenCV: decode/encode (PNG, JPEG, BMP, …), resize, colormaps.
// Images cross the ABI as libtorch uint8 tensors [H, W, 3] in RGB order (OpenCV works in BGR internally).
#include "Utils.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>

typedef std::vector<uchar>* EncodedImage;

// OpenCV's what() carries its source path and line; keep only the reason and the function.
static void record_image_exception() {
  try {
    throw;
  } catch (const cv::Exception& e) {
    set_last_error("OpenCV " + e.func + ": " + e.err);
  } catch (...) {
    record_current_exception();
  }
}

static std::string describe(const at::Tensor& t) {
  std::string text = "[";
  for (int64_t i = 0; i < t.dim(); i++) text += (i ? "," : "") + std::to_string(t.size(i));
  return text + "] " + std::string(c10::toString(t.scalar_type()));
}

// Views a [H, W] or [H, W, C] tensor as a cv::Mat without copying; `storage` keeps the contiguous CPU data alive.
static cv::Mat as_mat(const at::Tensor& t, at::Tensor& storage, const char* operation) {
  int depth;
  switch (t.scalar_type()) {
    case at::kByte: depth = CV_8U; break;
    case at::kFloat: depth = CV_32F; break;
    default: throw std::runtime_error(std::string(operation) + " expects uint8 or float32 pixels, got " + describe(t));
  }
  int64_t channels = t.dim() == 3 ? t.size(2) : 1;
  if ((t.dim() != 2 && t.dim() != 3) || channels < 1 || channels > 4)
    throw std::runtime_error(std::string(operation) + " expects an image [H,W] or [H,W,C] with 1 to 4 channels, got " + describe(t));
  if (t.size(0) < 1 || t.size(1) < 1 || t.size(0) > INT_MAX || t.size(1) > INT_MAX)
    throw std::runtime_error(std::string(operation) + " cannot work on an image of size " + describe(t));
  storage = t.detach().to(at::kCPU).contiguous();
  return cv::Mat((int)storage.size(0), (int)storage.size(1), CV_MAKETYPE(depth, (int)channels), storage.data_ptr());
}

// A tensor shaped like a Mat of the given size and type, and a Mat header over its memory for OpenCV to write into.
static at::Tensor new_image(int rows, int cols, int type, bool keep_channel_dim, cv::Mat& view) {
  auto dtype = CV_MAT_DEPTH(type) == CV_8U ? at::kByte : at::kFloat;
  int channels = CV_MAT_CN(type);
  auto t = keep_channel_dim ? at::empty({rows, cols, channels}, dtype) : at::empty({rows, cols}, dtype);
  view = cv::Mat(rows, cols, type, t.data_ptr());
  return t;
}

// OpenCV functions reallocate a destination of the wrong size/type silently; that would lose the pixels.
static void ensure_written_in_place(const cv::Mat& view, const at::Tensor& t) {
  if (view.data != t.data_ptr()) throw std::logic_error("OpenCV did not write into the tensor's memory");
}

// Decoded BGR pixels (8 or 16 bits) → uint8 [H, W, 3] RGB owned by libtorch.
static at::Tensor to_rgb_tensor(const cv::Mat& decoded, const std::string& source) {
  cv::Mat bgr;
  switch (decoded.depth()) {
    case CV_8U: bgr = decoded; break;
    case CV_16U: decoded.convertTo(bgr, CV_8U, 255.0 / 65535.0); break;  // rounds; 65535 → 255
    default: throw std::runtime_error(source + " has floating-point or 32-bit samples; only 8- and 16-bit images are supported");
  }
  if (bgr.channels() != 3) throw std::logic_error(source + " decoded to " + std::to_string(bgr.channels()) + " channels instead of 3");
  cv::Mat view;
  at::Tensor rgb = new_image(bgr.rows, bgr.cols, CV_8UC3, true, view);
  cv::cvtColor(bgr, view, cv::COLOR_BGR2RGB);
  ensure_written_in_place(view, rgb);
  return rgb;
}

// IMREAD_COLOR turns gray and palette images into 3 channels, drops alpha and applies EXIF orientation;
// IMREAD_ANYDEPTH keeps 16-bit samples so they are rounded (not truncated) to 8 bits.
static const int decode_flags = cv::IMREAD_COLOR | cv::IMREAD_ANYDEPTH;

EXPORT_API(Tensor) MLAImage_decode_file(const char* path) {
  try {
    cv::Mat decoded = cv::imread(path, decode_flags);
    if (decoded.empty()) {
      std::string quoted = std::string("'") + path + "'";
      if (!cv::haveImageReader(path))
        throw std::runtime_error(quoted + " cannot be opened or is not in an image format OpenCV reads (PNG, JPEG, BMP, TIFF, WebP, …)");
      throw std::runtime_error(quoted + " could not be decoded: the image data is corrupt or truncated");
    }
    return wrap(to_rgb_tensor(decoded, std::string("'") + path + "'"));
  } catch (...) {
    record_image_exception();
    return nullptr;
  }
}

EXPORT_API(Tensor) MLAImage_decode(const uint8_t* data, int64_t length) {
  try {
    if (length <= 0) throw std::runtime_error("the buffer is empty");
    if (length > INT_MAX) throw std::runtime_error("the buffer is larger than 2 GB");
    cv::Mat buffer(1, (int)length, CV_8U, const_cast<uint8_t*>(data));
    cv::Mat decoded = cv::imdecode(buffer, decode_flags);
    std::string source = "the " + std::to_string(length) + "-byte buffer";
    if (decoded.empty()) throw std::runtime_error(source + " is not a decodable image (unknown format, or corrupt or truncated data)");
    return wrap(to_rgb_tensor(decoded, source));
  } catch (...) {
    record_image_exception();
    return nullptr;
  }
}

// An RGB [H,W,3] or gray [H,W] / [H,W,1] uint8 tensor as the BGR / gray Mat the encoders expect.
static cv::Mat encodable(Tensor image, at::Tensor& storage, const char* operation) {
  const at::Tensor& t = *image;
  bool gray = t.dim() == 2 || (t.dim() == 3 && t.size(2) == 1);
  bool rgb = t.dim() == 3 && t.size(2) == 3;
  if (t.scalar_type() != at::kByte || !(gray || rgb))
    throw std::runtime_error(std::string(operation) + " expects a uint8 image [H,W,3] (RGB) or [H,W] (gray), got " + describe(t));
  cv::Mat pixels = as_mat(t, storage, operation);
  if (gray) return pixels;
  cv::Mat bgr;
  cv::cvtColor(pixels, bgr, cv::COLOR_RGB2BGR);
  return bgr;
}

static std::vector<int> encode_params(int32_t jpeg_quality) {
  if (jpeg_quality < 0 || jpeg_quality > 100) throw std::runtime_error("the JPEG quality must be in [0, 100], got " + std::to_string(jpeg_quality));
  return {cv::IMWRITE_JPEG_QUALITY, jpeg_quality};
}

// 1 when OpenCV has an encoder for the extension (".png", ".jpg", …).
EXPORT_API(int32_t) MLAImage_can_write(const char* extension) {
  try {
    return cv::haveImageWriter(std::string("image") + extension) ? 1 : 0;
  } catch (...) {
    record_image_exception();
    return 0;
  }
}

// The format follows the path's extension.
EXPORT_API(int32_t) MLAImage_encode_file(Tensor image, const char* path, int32_t jpeg_quality) {
  try {
    if (!cv::haveImageWriter(path)) throw std::runtime_error(std::string("no image encoder for the extension of '") + path + "'");
    at::Tensor storage;
    cv::Mat pixels = encodable(image, storage, "encode");
    if (!cv::imwrite(path, pixels, encode_params(jpeg_quality))) throw std::runtime_error(std::string("could not write '") + path + "'");
    return 0;
  } catch (...) {
    record_image_exception();
    return -1;
  }
}

// First call of the size/copy protocol: encodes once, reports the size and holds the bytes until
// MLAImage_encoded_copy / MLAImage_encoded_dispose.
EXPORT_API(EncodedImage) MLAImage_encode(Tensor image, const char* extension, int32_t jpeg_quality, int64_t* size) {
  try {
    if (!cv::haveImageWriter(std::string("image") + extension)) throw std::runtime_error(std::string("no image encoder for '") + extension + "'");
    at::Tensor storage;
    cv::Mat pixels = encodable(image, storage, "encode");
    auto bytes = std::make_unique<std::vector<uchar>>();
    if (!cv::imencode(extension, pixels, *bytes, encode_params(jpeg_quality))) throw std::runtime_error(std::string("encoding as '") + extension + "' failed");
    *size = (int64_t)bytes->size();
    return bytes.release();
  } catch (...) {
    record_image_exception();
    return nullptr;
  }
}

EXPORT_API(int32_t) MLAImage_encoded_copy(EncodedImage encoded, uint8_t* destination, int64_t capacity) {
  if ((int64_t)encoded->size() > capacity) {
    set_last_error("destination holds " + std::to_string(capacity) + " bytes, the encoded image has " + std::to_string(encoded->size()));
    return -1;
  }
  if (!encoded->empty()) std::memcpy(destination, encoded->data(), encoded->size());
  return 0;
}

EXPORT_API(void) MLAImage_encoded_dispose(EncodedImage encoded) { delete encoded; }

// interpolation: 0 bilinear, 1 nearest (pixel centers aligned, like PIL), 2 area (box average when shrinking).
EXPORT_API(Tensor) MLAImage_resize(Tensor image, int64_t height, int64_t width, int32_t interpolation) {
  try {
    int flag;
    switch (interpolation) {
      case 0: flag = cv::INTER_LINEAR; break;
      case 1: flag = cv::INTER_NEAREST_EXACT; break;
      case 2: flag = cv::INTER_AREA; break;
      default: throw std::runtime_error("unknown interpolation " + std::to_string(interpolation));
    }
    if (height < 1 || width < 1 || height > INT_MAX || width > INT_MAX)
      throw std::runtime_error("the target size (" + std::to_string(height) + ", " + std::to_string(width) + ") must be positive");
    at::Tensor storage;
    cv::Mat source = as_mat(*image, storage, "resize");
    cv::Mat view;
    at::Tensor result = new_image((int)height, (int)width, source.type(), image->dim() == 3, view);
    cv::resize(source, view, view.size(), 0, 0, flag);
    ensure_written_in_place(view, result);
    return wrap(result);
  } catch (...) {
    record_image_exception();
    return nullptr;
  }
}

// Diverging map for signed relevance: −1 pure blue, 0 white, +1 pure red, linear in between (matplotlib's "bwr").
static void blue_white_red(const cv::Mat& values, uint8_t* rgb) {
  for (int y = 0; y < values.rows; y++) {
    const float* row = values.ptr<float>(y);
    for (int x = 0; x < values.cols; x++, rgb += 3) {
      float v = std::min(1.0f, std::max(-1.0f, row[x]));
      auto fade = (uint8_t)std::lround(255.0f * (1.0f - std::fabs(v)));
      rgb[0] = v < 0 ? fade : 255;
      rgb[1] = fade;
      rgb[2] = v > 0 ? fade : 255;
    }
  }
}

// colormap: 0 jet, 1 turbo, 2 viridis, 3 inferno (values in [0,1]); 4 blue-white-red (values in [-1,1]).
// Values outside the range are clamped; NaN or infinity is an error.
EXPORT_API(Tensor) MLAImage_colormap(Tensor map, int32_t colormap) {
  try {
    if (map->dim() != 2 || !at::isFloatingType(map->scalar_type()))
      throw std::runtime_error("colormap expects a floating-point map [H,W], got " + describe(*map));
    at::Tensor storage;
    cv::Mat values = as_mat(map->to(at::kFloat), storage, "colormap");
    cv::Point where;
    if (!cv::checkRange(values, true, &where))
      throw std::runtime_error("the map holds NaN or infinity (first at row " + std::to_string(where.y) + ", column " + std::to_string(where.x) + ")");
    cv::Mat view;
    at::Tensor rgb = new_image(values.rows, values.cols, CV_8UC3, true, view);
    if (colormap == 4) {
      blue_white_red(values, rgb.data_ptr<uint8_t>());
      return wrap(rgb);
    }
    int cv_map;
    switch (colormap) {
      case 0: cv_map = cv::COLORMAP_JET; break;
      case 1: cv_map = cv::COLORMAP_TURBO; break;
      case 2: cv_map = cv::COLORMAP_VIRIDIS; break;
      case 3: cv_map = cv::COLORMAP_INFERNO; break;
      default: throw std::runtime_error("unknown colormap " + std::to_string(colormap));
    }
    cv::Mat levels, bgr;
    values.convertTo(levels, CV_8U, 255.0);  // saturating: clamps to [0, 255] and rounds
    cv::applyColorMap(levels, bgr, cv_map);
    cv::cvtColor(bgr, view, cv::COLOR_BGR2RGB);
    ensure_written_in_place(view, rgb);
    return wrap(rgb);
  } catch (...) {
    record_image_exception();
    return nullptr;
  }
}
