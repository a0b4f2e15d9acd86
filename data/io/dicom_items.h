// Items of DICOM sequences that stay valid: GDCM parses a sequence it holds as bytes (an implicit-VR
// file's sequence of defined length, or one written as UN) into a new object on every GetValueAsSQ,
// owned only by the smart pointer returned, so a data set taken from it must travel with that pointer.
#pragma once
#include <gdcmDataSet.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmSmartPointer.h>

#include <vector>

namespace ldd::io {

struct SequenceItem {
  gdcm::SmartPointer<gdcm::SequenceOfItems> sequence;  // owns `data`
  const gdcm::DataSet* data = nullptr;
  explicit operator bool() const { return data != nullptr; }
  const gdcm::DataSet& operator*() const { return *data; }
  const gdcm::DataSet* operator->() const { return data; }
};

// Every item of sequence `tag` in `ds`: none when the element is absent, not a sequence, or empty.
inline std::vector<SequenceItem> sequence_items(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
  if (!ds.FindDataElement(tag)) return {};
  const gdcm::SmartPointer<gdcm::SequenceOfItems> sequence = ds.GetDataElement(tag).GetValueAsSQ();
  std::vector<SequenceItem> items;
  if (sequence)
    for (gdcm::SequenceOfItems::SizeType i = 1; i <= sequence->GetNumberOfItems(); ++i)
      items.push_back({sequence, &sequence->GetItem(i).GetNestedDataSet()});
  return items;
}

// The first item of sequence `tag` in `ds`; empty as above.
inline SequenceItem first_item(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
  if (!ds.FindDataElement(tag)) return {};
  const gdcm::SmartPointer<gdcm::SequenceOfItems> sequence = ds.GetDataElement(tag).GetValueAsSQ();
  if (!sequence || sequence->GetNumberOfItems() == 0) return {};
  return {sequence, &sequence->GetItem(1).GetNestedDataSet()};
}

}  // namespace ldd::io
