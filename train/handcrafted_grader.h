// The hand-crafted baseline a grading report stands the network beside: the disc's signal against the
// vertebral bodies around it and the disc's level, fed to an ordinal logistic regression fitted on the
// fold's training discs. Pfirrmann grades are defined by the nucleus' signal and the disc's structure on
// T2; a network that does not beat this has learnt little beyond a signal ratio.
#pragma once
#include <cstddef>
#include <vector>

#include "train/disc_dataset.h"

namespace ldd::train {

// Per disc crop (normalised, rows along the spine, the disc in the middle): the mean of the disc's central
// band (rows 42-58 %, columns 25-75 %, the middle third of the slices) minus the mean of the bodies' bands
// above and below it (rows 5-25 % and 75-95 %), and the disc band's mean alone.
std::vector<double> disc_signal_features(const DiscDataset& data, std::size_t sample);

// Grades (indices from 0) of the `test` samples from an ordinal logistic regression on the features above
// and the one-hot level, fitted on the `train` samples' labels: one binary regression per cut, P(grade >= k)
// (Frank & Hall 2001), kept monotone, each disc's most probable grade.
std::vector<int> handcrafted_grades(const DiscDataset& data, const std::vector<std::size_t>& train, const std::vector<std::size_t>& test);

}  // namespace ldd::train
