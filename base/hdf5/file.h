// A small RAII layer over the HDF5 C API: one File type that owns the handle, reads and writes datasets
// and attributes by absolute path ("/parameters/conv1.weight"), and turns every failure into an
// ldd::Error naming the file, the object path and HDF5's own reason.
// New files are written under a temporary name next to the target and renamed by commit(), so a crash
// or an exception never leaves a half-written file where a complete one is expected.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace ldd::hdf5 {

using Dims = std::vector<std::int64_t>;

struct DatasetOptions {
  Dims chunk;                // empty: contiguous (no compression possible)
  int deflate_level = 0;     // 1-9 enables gzip (needs chunk)
  bool shuffle = false;      // byte shuffle before gzip: helps integer images compress
};

class File {
 public:
  static File open_read(const std::filesystem::path& path);
  static File open_read_write(const std::filesystem::path& path);
  // Writes go to "<path>.tmp-<pid>" until commit() renames it onto `path`.
  static File create(const std::filesystem::path& path);

  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  // Closes; an uncommitted created file is deleted (its destination is left as it was).
  ~File();

  // Flushes, closes and renames a created file into place. No-op for files opened for reading.
  void commit();
  const std::filesystem::path& path() const { return path_; }

  bool exists(const std::string& object) const;
  // Creates the group and any missing parents.
  void create_group(const std::string& group);
  // Unlinks a group or dataset (and everything under it); a no-op when it does not exist. HDF5 does not
  // shrink the file: the space is reused by later writes or reclaimed by h5repack.
  void remove(const std::string& object);
  // Copies `object` (a group with everything under it, or a dataset) from `source` to the same path here,
  // creating missing parents; the path must not exist here yet.
  void copy_from(const File& source, const std::string& object);
  // Names of the direct members of a group, in HDF5's (alphabetical) order.
  std::vector<std::string> members(const std::string& group) const;
  Dims shape(const std::string& dataset) const;

  // Writes a new dataset (parents are created); T is float, double, int32, int64, uint8 or uint16.
  template <class T>
  void write(const std::string& dataset, std::span<const T> values, const Dims& shape, const DatasetOptions& options = {});
  // Reads a whole dataset, converting to T; throws when the stored class (float/integer) differs.
  template <class T>
  std::vector<T> read(const std::string& dataset, Dims* shape = nullptr) const;

  void set_attribute(const std::string& object, const std::string& name, const std::string& value);
  void set_attribute(const std::string& object, const std::string& name, std::int64_t value);
  void set_attribute(const std::string& object, const std::string& name, double value);
  bool has_attribute(const std::string& object, const std::string& name) const;
  std::vector<std::string> attribute_names(const std::string& object) const;
  std::string string_attribute(const std::string& object, const std::string& name) const;
  std::int64_t int_attribute(const std::string& object, const std::string& name) const;
  double double_attribute(const std::string& object, const std::string& name) const;

 private:
  File(std::int64_t id, std::filesystem::path path, std::filesystem::path temporary);
  static File open_existing(const std::filesystem::path& path, bool writable);
  void close() noexcept;

  std::int64_t id_ = -1;  // hid_t
  std::filesystem::path path_;
  std::filesystem::path temporary_;  // non-empty while a created file is uncommitted
};

}  // namespace ldd::hdf5
