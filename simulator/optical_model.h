#pragma once
// Link-quality formulas of the MEMS model (derivations in docs/mems-model.md):
// OSNR of the light leaving a cross-connect, and the pre-FEC BER it implies
// through a Q-factor model. Pure functions, no state.

#include <cmath>

#include "lightpath/units.h"

namespace lightpath::sim {

struct SignalQualityModel {
  // OSNR of the transmitter's own signal, 0.1 nm reference bandwidth.
  Decibels source_osnr = Decibels::db(38.0);
  // Noise power referred to the 0.1 nm reference bandwidth at the output
  // monitor; weak signals approach it and their OSNR falls.
  PowerDbm noise_floor = PowerDbm::dbm(-45.0);
  // Optical reference bandwidth (12.5 GHz = 0.1 nm at 1550 nm) over the
  // receiver's electrical bandwidth.
  double optical_over_electrical_bandwidth = 12.5 / 28.0;
  // Reported when the true BER is smaller: no monitor measures below it.
  double ber_floor = 1e-18;
};

inline double db_to_linear(double db) {
  return std::exp(db * (M_LN10 / 10.0));
}
inline double linear_to_db(double lin) {
  return 10.0 * std::log10(lin);
}

// OSNR (linear) of a signal of power `p`: the source's noise and the
// monitor-floor noise add in linear terms.
inline double output_osnr_linear(const SignalQualityModel& m, PowerDbm p) {
  const double inv =
      db_to_linear(-m.source_osnr.value()) + db_to_linear(m.noise_floor.value() - p.value());
  return 1.0 / inv;
}
inline Decibels output_osnr(const SignalQualityModel& m, PowerDbm p) {
  return Decibels::db(linear_to_db(output_osnr_linear(m, p)));
}

// Q of an intensity-modulated signal limited by signal-ASE beat noise:
// Q = 2·OSNR·sqrt(Bo/Be) / (1 + sqrt(1 + 4·OSNR)), OSNR linear.
inline double q_factor_linear(const SignalQualityModel& m, double osnr) {
  return 2.0 * osnr * std::sqrt(m.optical_over_electrical_bandwidth) /
         (1.0 + std::sqrt(1.0 + 4.0 * osnr));
}
inline double q_factor(const SignalQualityModel& m, Decibels osnr) {
  return q_factor_linear(m, db_to_linear(osnr.value()));
}

// BER = ½·erfc(Q/√2), clamped to [ber_floor, 0.5].
inline double bit_error_ratio(const SignalQualityModel& m, double q) {
  // Past Q = 8.9 the BER is below 1e-18 anyway; skip the erfc.
  if (q > 8.9 && m.ber_floor >= 1e-18) return m.ber_floor;
  if (q <= 0.0) return 0.5;
  const double ber = 0.5 * std::erfc(q / M_SQRT2);
  return ber < m.ber_floor ? m.ber_floor : ber;
}

}  // namespace lightpath::sim
