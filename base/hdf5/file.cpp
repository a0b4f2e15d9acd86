#include "base/hdf5/file.h"

#include <hdf5.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include <system_error>
#include <type_traits>
#include <utility>

#include "base/check.h"
#include "base/remove_on_signal.h"

namespace ldd::hdf5 {
namespace {

// HDF5 prints its error stack to stderr by default; we report through exceptions instead.
void silence_hdf5_once() {
  static const bool silenced = [] {
    // No clean-up of HDF5's own at exit (before the library starts, so first): a file whose close failed
    // (the disk full while flushing) stays in HDF5's table half-closed, and closing it again at exit
    // crashed the process after its error was reported. Every file we write is closed, and committed or
    // removed, by File before exit, so the clean-up has nothing of ours left to save.
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)silenced;
}

// The most specific message on HDF5's error stack (then cleared), e.g. "unable to open file".
std::string hdf5_reason() {
  std::string reason;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* e, void* out) -> herr_t {
        if (e->desc && *e->desc) *static_cast<std::string*>(out) = e->desc;
        return 0;
      },
      &reason);
  H5Eclear2(H5E_DEFAULT);
  // A failed system call's description is a dump of the call's arguments; the system's message is the reason.
  const std::string marker = "error message = '";
  if (const auto at = reason.find(marker); at != std::string::npos) {
    const auto from = at + marker.size(), to = reason.find('\'', from);
    if (to != std::string::npos) return reason.substr(from, to - from);
  }
  return reason.empty() ? "no reason given by HDF5" : reason;
}

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw Error("HDF5 file '" + file.string() + "': " + what + " (" + hdf5_reason() + ")");
}

// Owns one HDF5 identifier and closes it with the matching function.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), close_(other.close_) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle& operator=(Handle&&) = delete;
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Closes now and says whether that worked: closing a dataset writes its cached chunks.
  bool close_now() { return close_(std::exchange(id_, -1)) >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

template <class T>
hid_t memory_type() {
  if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
  if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
  if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_NATIVE_UINT8;
  if constexpr (std::is_same_v<T, std::uint16_t>) return H5T_NATIVE_UINT16;
}

// Little-endian standard types on disk, whatever the machine: files move between machines.
template <class T>
hid_t file_type() {
  if constexpr (std::is_same_v<T, float>) return H5T_IEEE_F32LE;
  if constexpr (std::is_same_v<T, double>) return H5T_IEEE_F64LE;
  if constexpr (std::is_same_v<T, std::int32_t>) return H5T_STD_I32LE;
  if constexpr (std::is_same_v<T, std::int64_t>) return H5T_STD_I64LE;
  if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_STD_U8LE;
  if constexpr (std::is_same_v<T, std::uint16_t>) return H5T_STD_U16LE;
}

// The parent group of an object path ("/a/b/c" -> "/a/b"; "/c" -> "/").
std::string parent_of(const std::string& object) {
  const auto slash = object.rfind('/');
  return slash == 0 || slash == std::string::npos ? std::string("/") : object.substr(0, slash);
}

// Variable-length, to read the string attributes of files written before 2026-12-07.
Handle string_type() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

// Strings shorter than 32 KiB are written fixed-length: a variable-length one lives in the file's global
// heap, and libhdf5 (1.10) follows a corrupt heap reference into an endless loop or a crash instead of an
// error (found by tests/fuzz).
Handle fixed_string_type(std::size_t bytes) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), bytes);
  H5Tset_strpad(type.get(), H5T_STR_NULLTERM);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

}  // namespace

File::File(std::int64_t id, std::filesystem::path path, std::filesystem::path temporary)
    : id_(id), path_(std::move(path)), temporary_(std::move(temporary)) {}

File File::open_existing(const std::filesystem::path& path, bool writable) {
  silence_hdf5_once();
  LDD_CHECK(std::filesystem::exists(path), "HDF5 file '" << path.string() << "' does not exist");
  if (H5Fis_hdf5(path.c_str()) <= 0) fail(path, "not an HDF5 file (truncated, corrupt, or another format)");
  const hid_t id = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) fail(path, writable ? "cannot open for writing" : "cannot open for reading");
  return File(id, path, {});
}

File File::open_read(const std::filesystem::path& path) { return open_existing(path, false); }
File File::open_read_write(const std::filesystem::path& path) { return open_existing(path, true); }

namespace {

// "<name>.tmp-<pid>" files left by a writer that was killed (a paper-scale cohort's is about 5 GB): the
// next writer of the same file removes those whose process is gone.
void remove_stale_temporaries(const std::filesystem::path& path) {
  const std::string prefix = path.filename().string() + ".tmp-";
  std::error_code error;
  const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) continue;
    const std::string pid = name.substr(prefix.size());
    if (pid.find_first_not_of("0123456789") != std::string::npos || pid.size() > 9) continue;
    if (::kill(static_cast<pid_t>(std::stol(pid)), 0) != 0 && errno == ESRCH) std::filesystem::remove(entry.path(), error);
  }
}

// The 1.10 file format: its superblock, object headers (attributes included), link and chunk indexes
// carry checksums, which libhdf5 verifies on reading. In the 1.0 format a corrupt object header is
// decoded as it stands, and libhdf5 1.10 overflows a buffer on some (found by tests/fuzz under
// AddressSanitizer); with checksums it refuses them with an error. Readable by HDF5 1.10 and later.
Handle checksummed_format() {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_LATEST);
  return fapl;
}

}  // namespace

File File::create(const std::filesystem::path& path) {
  silence_hdf5_once();
  remove_stale_temporaries(path);
  std::filesystem::path temporary = path;
  temporary += ".tmp-" + std::to_string(::getpid());
  io::remove_on_signal(temporary);  // before it exists: a signal in between must not leave it behind
  Handle root_without_times(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
  H5Pset_obj_track_times(root_without_times.get(), 0);
  const hid_t id = H5Fcreate(temporary.c_str(), H5F_ACC_TRUNC, root_without_times.get(), checksummed_format().get());
  if (id < 0) {
    const int system_error = errno;  // HDF5 often gives no reason of its own here
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);  // a create that failed half-way (a full disk) leaves it
    io::keep_on_signal(temporary);
    H5Eclear2(H5E_DEFAULT);
    throw Error("HDF5 file '" + temporary.string() + "': cannot create (" + std::strerror(system_error) +
                "; is the folder there and writable, with room?)");
  }
  return File(id, path, temporary);
}

File::File(File&& other) noexcept
    : id_(std::exchange(other.id_, -1)), path_(std::move(other.path_)), temporary_(std::move(other.temporary_)) {
  other.temporary_.clear();
}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    close();
    id_ = std::exchange(other.id_, -1);
    path_ = std::move(other.path_);
    temporary_ = std::move(other.temporary_);
    other.temporary_.clear();
  }
  return *this;
}

File::~File() { close(); }

void File::close() noexcept {
  if (id_ >= 0) H5Fclose(id_);
  id_ = -1;
  if (!temporary_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
    try {
      io::keep_on_signal(temporary_);
    } catch (const std::exception&) {
      // the file is gone; a stale registration only unlinks a missing path
    }
    temporary_.clear();
  }
}

void File::commit() {
  if (temporary_.empty()) return;
  LDD_CHECK(id_ >= 0, "HDF5 file '" << path_.string() << "': commit() after close");
  // A failed close (a full disk) is not retried by the destructor: libhdf5 crashes on a second close of
  // the file, or at exit on one it failed to flush. The destructor removes the temporary.
  if (H5Fclose(std::exchange(id_, -1)) < 0) fail(temporary_, "cannot flush and close");
  std::error_code error;
  std::filesystem::rename(temporary_, path_, error);
  LDD_CHECK(!error, "cannot move the finished file '" << temporary_.string() << "' to '" << path_.string()
                                                      << "': " << error.message());
  io::keep_on_signal(temporary_);
  temporary_.clear();
}

bool File::exists(const std::string& object) const {
  if (object == "/") return true;
  std::string prefix;
  std::size_t start = 1;
  while (start <= object.size()) {
    const std::size_t end = std::min(object.find('/', start), object.size());
    prefix = object.substr(0, end);
    const htri_t there = H5Lexists(id_, prefix.c_str(), H5P_DEFAULT);
    if (there <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    start = end + 1;
  }
  return true;
}

void File::create_group(const std::string& group) {
  if (exists(group)) return;
  // Each missing level is made here, without timestamps (the same content gives the same bytes):
  // HDF5's own intermediate groups would record when they were made.
  Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
  H5Pset_obj_track_times(gcpl.get(), 0);
  for (std::size_t end = group.find('/', 1);; end = group.find('/', end + 1)) {
    const std::string level = group.substr(0, end);
    if (!exists(level)) {
      Handle g(H5Gcreate2(id_, level.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose);
      if (!g.valid()) fail(path_, "cannot create group '" + level + "'");
    }
    if (end == std::string::npos) break;
  }
}

void File::remove(const std::string& object) {
  if (!exists(object)) return;
  if (H5Ldelete(id_, object.c_str(), H5P_DEFAULT) < 0) fail(path_, "cannot remove '" + object + "'");
}

void File::copy_from(const File& source, const std::string& object) {
  LDD_CHECK(source.exists(object), "HDF5 file '" << source.path_.string() << "' has no '" << object << "' to copy");
  LDD_CHECK(!exists(object), "HDF5 file '" << path_.string() << "' already has '" << object << "'");
  create_group(parent_of(object));
  if (H5Ocopy(source.id_, object.c_str(), id_, object.c_str(), H5P_DEFAULT, H5P_DEFAULT) < 0)
    fail(path_, "cannot copy '" + object + "' from '" + source.path_.string() + "'");
}

std::vector<std::string> File::members(const std::string& group) const {
  LDD_CHECK(exists(group), "HDF5 file '" << path_.string() << "' has no group '" << group << "'");
  Handle g(H5Gopen2(id_, group.c_str(), H5P_DEFAULT), H5Gclose);
  if (!g.valid()) fail(path_, "'" + group + "' is not a group");
  std::vector<std::string> names;
  hsize_t index = 0;
  const herr_t status = H5Literate(
      g.get(), H5_INDEX_NAME, H5_ITER_INC, &index,
      [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
        static_cast<std::vector<std::string>*>(out)->emplace_back(name);
        return 0;
      },
      &names);
  if (status < 0) fail(path_, "cannot list group '" + group + "'");
  return names;
}

Dims File::shape(const std::string& dataset) const {
  LDD_CHECK(exists(dataset), "HDF5 file '" << path_.string() << "' has no dataset '" << dataset << "'");
  Handle d(H5Dopen2(id_, dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.valid()) fail(path_, "'" + dataset + "' is not a dataset");
  Handle space(H5Dget_space(d.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return Dims(dims.begin(), dims.end());
}

template <class T>
void File::write(const std::string& dataset, std::span<const T> values, const Dims& shape, const DatasetOptions& options) {
  std::int64_t count = 1;
  for (auto d : shape) count *= d;
  LDD_CHECK(count == static_cast<std::int64_t>(values.size()),
            "HDF5 file '" << path_.string() << "': dataset '" << dataset << "' given " << values.size()
                          << " values for a shape of " << count << " elements");
  LDD_CHECK(!exists(dataset), "HDF5 file '" << path_.string() << "': dataset '" << dataset << "' already exists");
  const std::vector<hsize_t> dims(shape.begin(), shape.end());
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_obj_track_times(dcpl.get(), 0);  // no timestamps: the same content gives the same bytes
  if (!options.chunk.empty()) {
    const std::vector<hsize_t> chunk(options.chunk.begin(), options.chunk.end());
    H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
    if (options.shuffle) H5Pset_shuffle(dcpl.get());
    if (options.deflate_level > 0) H5Pset_deflate(dcpl.get(), static_cast<unsigned>(options.deflate_level));
  }
  create_group(parent_of(dataset));
  Handle d(H5Dcreate2(id_, dataset.c_str(), file_type<T>(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
           H5Dclose);
  if (!d.valid()) fail(path_, "cannot create dataset '" + dataset + "'");
  // A chunked dataset's data is written when it is closed, from the chunk cache: a failure there (a full
  // disk) was lost in the destructor, and the file committed without the chunk.
  if (H5Dwrite(d.get(), memory_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0 || !d.close_now())
    fail(path_, "cannot write dataset '" + dataset + "'");
}

namespace {

// The numbers ldd stores: integers and floats of 1 to 8 bytes. A corrupt datatype may declare any class
// and size, and libhdf5 then converts past its buffers.
bool number_type(hid_t type) {
  const auto cls = H5Tget_class(type);
  const std::size_t bytes = H5Tget_size(type);
  return (cls == H5T_INTEGER || cls == H5T_FLOAT) && bytes >= 1 && bytes <= 8;
}

// A corrupt header may declare any shape, chunking or storage, and libhdf5 1.10 copies past its buffers
// when they disagree (found by tests/fuzz). Before anything is allocated or read: contiguous (and compact)
// data store exactly the declared bytes; chunks are no larger than the extent; compressed chunks hold at
// most what deflate packs (about 1032:1). These hold for every dataset ldd writes (fixed extent, written
// in full, deflate); a foreign file with extendible or never-written datasets, or another filter, may be
// refused.
void check_storage(hid_t d, const std::filesystem::path& path, const std::string& dataset, const Dims& dims, std::int64_t count,
                   std::size_t element_bytes) {
  const auto where = [&] { return "HDF5 file '" + path.string() + "': dataset '" + dataset + "'"; };
  LDD_CHECK(count >= 0, where() << " declares a shape whose size overflows (corrupt file?)");
  const double stored = static_cast<double>(H5Dget_storage_size(d)), declared = static_cast<double>(count) * static_cast<double>(element_bytes);
  Handle dcpl(H5Dget_create_plist(d), H5Pclose);
  const H5D_layout_t layout = H5Pget_layout(dcpl.get());
  if (layout == H5D_CHUNKED) {
    std::vector<hsize_t> chunk(dims.size() + 1, 0);
    const int rank = H5Pget_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
    bool fits = rank == static_cast<int>(dims.size());
    for (std::size_t i = 0; fits && i < dims.size(); ++i) fits = chunk[i] >= 1 && (dims[i] == 0 || chunk[i] <= static_cast<hsize_t>(dims[i]));
    LDD_CHECK(fits, where() << " declares chunks that do not fit its shape (corrupt file?)");
    LDD_CHECK(declared <= 1100.0 * stored + 1048576.0,
              where() << " declares " << count << " elements but stores " << stored << " bytes (corrupt file?)");
  } else {
    LDD_CHECK(count == 0 || stored == declared, where() << " declares " << count << " elements of " << element_bytes << " bytes but stores "
                                                        << stored << " bytes (corrupt file?)");
  }
}

}  // namespace

template <class T>
std::vector<T> File::read(const std::string& dataset, Dims* shape_out) const {
  const Dims dims = shape(dataset);
  Handle d(H5Dopen2(id_, dataset.c_str(), H5P_DEFAULT), H5Dclose);
  Handle type(H5Dget_type(d.get()), H5Tclose);
  const std::size_t element_bytes = H5Tget_size(type.get());
  LDD_CHECK(number_type(type.get()), "HDF5 file '" << path_.string() << "': dataset '" << dataset << "' holds elements of " << element_bytes
                                                   << " bytes that are not numbers of 1 to 8 bytes (corrupt file?)");
  const bool stored_float = H5Tget_class(type.get()) == H5T_FLOAT;
  LDD_CHECK(stored_float == std::is_floating_point_v<T>,
            "HDF5 file '" << path_.string() << "': dataset '" << dataset << "' holds "
                          << (stored_float ? "floating-point" : "integer") << " values, read as "
                          << (std::is_floating_point_v<T> ? "floating-point" : "integer"));
  std::int64_t count = 1;
  for (auto n : dims) count = n == 0 ? 0 : count;  // an empty dimension: nothing to read, whatever the others say
  for (auto n : dims)
    if (count > 0) count = n < 0 || count > std::numeric_limits<std::int64_t>::max() / n ? -1 : count * n;
  check_storage(d.get(), path_, dataset, dims, count, element_bytes);
  std::vector<T> values(static_cast<std::size_t>(count));
  if (count > 0 && H5Dread(d.get(), memory_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    fail(path_, "cannot read dataset '" + dataset + "'");
  if (shape_out) *shape_out = dims;
  return values;
}

#define LDD_HDF5_INSTANTIATE(T)                                                                           \
  template void File::write<T>(const std::string&, std::span<const T>, const Dims&, const DatasetOptions&); \
  template std::vector<T> File::read<T>(const std::string&, Dims*) const;
LDD_HDF5_INSTANTIATE(float)
LDD_HDF5_INSTANTIATE(double)
LDD_HDF5_INSTANTIATE(std::int32_t)
LDD_HDF5_INSTANTIATE(std::int64_t)
LDD_HDF5_INSTANTIATE(std::uint8_t)
LDD_HDF5_INSTANTIATE(std::uint16_t)
#undef LDD_HDF5_INSTANTIATE

namespace {

// Opens `object` (group or dataset) of file `id` for attribute access.
Handle open_object(hid_t file, const std::filesystem::path& path, const std::string& object) {
  Handle o(H5Oopen(file, object.c_str(), H5P_DEFAULT), H5Oclose);
  if (!o.valid()) fail(path, "no object '" + object + "' to hold attributes");
  return o;
}

void write_attribute(hid_t file, const std::filesystem::path& path, const std::string& object, const std::string& name,
                     hid_t file_t, hid_t memory_t, const void* value) {
  Handle o = open_object(file, path, object);
  if (H5Aexists(o.get(), name.c_str()) > 0) H5Adelete(o.get(), name.c_str());
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle a(H5Acreate2(o.get(), name.c_str(), file_t, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!a.valid() || H5Awrite(a.get(), memory_t, value) < 0)
    fail(path, "cannot write attribute '" + name + "' of '" + object + "'");
}

Handle open_attribute(hid_t file, const std::filesystem::path& path, const std::string& object, const std::string& name) {
  Handle o = open_object(file, path, object);
  LDD_CHECK(H5Aexists(o.get(), name.c_str()) > 0,
            "HDF5 file '" << path.string() << "': '" << object << "' has no attribute '" << name << "'");
  return Handle(H5Aopen(o.get(), name.c_str(), H5P_DEFAULT), H5Aclose);
}

}  // namespace

void File::set_attribute(const std::string& object, const std::string& name, const std::string& value) {
  if (value.size() < 32768) {
    Handle type = fixed_string_type(value.size() + 1);
    write_attribute(id_, path_, object, name, type.get(), type.get(), value.c_str());
    return;
  }
  // A fixed-length attribute must fit in its object's 64 KiB header; a longer text goes to the heap.
  Handle type = string_type();
  const char* text = value.c_str();
  write_attribute(id_, path_, object, name, type.get(), type.get(), &text);
}

void File::set_attribute(const std::string& object, const std::string& name, std::int64_t value) {
  write_attribute(id_, path_, object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void File::set_attribute(const std::string& object, const std::string& name, double value) {
  write_attribute(id_, path_, object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

bool File::has_attribute(const std::string& object, const std::string& name) const {
  if (!exists(object)) return false;
  Handle o = open_object(id_, path_, object);
  return H5Aexists(o.get(), name.c_str()) > 0;
}

std::vector<std::string> File::attribute_names(const std::string& object) const {
  Handle o = open_object(id_, path_, object);
  std::vector<std::string> names;
  hsize_t index = 0;
  const herr_t status = H5Aiterate2(
      o.get(), H5_INDEX_NAME, H5_ITER_INC, &index,
      [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
        static_cast<std::vector<std::string>*>(out)->emplace_back(name);
        return 0;
      },
      &names);
  if (status < 0) fail(path_, "cannot list the attributes of '" + object + "'");
  return names;
}

std::string File::string_attribute(const std::string& object, const std::string& name) const {
  Handle a = open_attribute(id_, path_, object, name);
  Handle stored(H5Aget_type(a.get()), H5Tclose);
  LDD_CHECK(H5Tget_class(stored.get()) == H5T_STRING,
            "HDF5 file '" << path_.string() << "': attribute '" << name << "' of '" << object << "' is not a string");
  if (H5Tis_variable_str(stored.get()) > 0) {
    Handle type = string_type();
    char* text = nullptr;
    if (H5Aread(a.get(), type.get(), &text) < 0) fail(path_, "cannot read attribute '" + name + "'");
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  const std::size_t bytes = H5Tget_size(stored.get());  // fixed-length, as ldd and some other writers store strings
  LDD_CHECK(bytes > 0 && bytes <= (std::size_t{1} << 24), "HDF5 file '" << path_.string() << "': attribute '" << name << "' of '" << object
                                                                         << "' declares a string of " << bytes << " bytes (corrupt file?)");
  std::string value(bytes, '\0');
  if (H5Aread(a.get(), stored.get(), value.data()) < 0) fail(path_, "cannot read attribute '" + name + "'");
  return value.substr(0, value.find('\0'));
}

namespace {

// A number attribute whose stored type is not one (a corrupt datatype) is refused before libhdf5 converts it.
void check_number_attribute(const Handle& a, const std::filesystem::path& path, const std::string& object, const std::string& name) {
  Handle stored(H5Aget_type(a.get()), H5Tclose);
  LDD_CHECK(number_type(stored.get()),
            "HDF5 file '" << path.string() << "': attribute '" << name << "' of '" << object << "' is not a number (corrupt file?)");
}

}  // namespace

std::int64_t File::int_attribute(const std::string& object, const std::string& name) const {
  Handle a = open_attribute(id_, path_, object, name);
  check_number_attribute(a, path_, object, name);
  std::int64_t value = 0;
  if (H5Aread(a.get(), H5T_NATIVE_INT64, &value) < 0) fail(path_, "cannot read attribute '" + name + "' as an integer");
  return value;
}

double File::double_attribute(const std::string& object, const std::string& name) const {
  Handle a = open_attribute(id_, path_, object, name);
  check_number_attribute(a, path_, object, name);
  double value = 0;
  if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, &value) < 0) fail(path_, "cannot read attribute '" + name + "' as a number");
  return value;
}

}  // namespace ldd::hdf5
