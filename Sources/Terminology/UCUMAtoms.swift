/// UCUM's unit atoms and prefixes (The Unified Code for Units of Measure, case-sensitive
/// symbols). Metric atoms take a prefix (`mg`, `umol`, `mm[Hg]`); the others do not (`min`,
/// `[degF]`). The list holds the SI, clinical, customary and arbitrary units that laboratory
/// results use; an atom outside it is reported as unknown rather than as bad syntax.
enum UCUMAtoms {
    static let prefixes: Set<String> = [
        "Y", "Z", "E", "P", "T", "G", "M", "k", "h", "da", "d", "c", "m", "u", "n", "p", "f", "a", "z", "y",
        "Ki", "Mi", "Gi", "Ti",
    ]

    static let metric: Set<String> = [
        "m", "s", "g", "rad", "K", "C", "cd", "mol", "sr", "Hz", "N", "Pa", "J", "W", "A", "V", "F", "Ohm", "S",
        "Wb", "Cel", "T", "H", "lm", "lx", "Bq", "Gy", "Sv", "l", "L", "ar", "t", "bar", "u", "eV", "pc",
        "[c]", "[h]", "[k]", "[eps_0]", "[mu_0]", "[e]", "[m_e]", "[m_p]", "[G]", "[g]", "[ly]", "gf", "Ky", "Gal",
        "dyn", "erg", "P", "St", "Mx", "G", "Oe", "Gb", "sb", "Lmb", "ph", "Ci", "R", "RAD", "REM",
        "cal_[15]", "cal_[20]", "cal_m", "cal_IT", "cal_th", "cal", "tex", "m[H2O]", "m[Hg]", "eq", "osm", "g%",
        "kat", "U", "[iU]", "[IU]", "Np", "B", "B[SPL]", "B[V]", "B[mV]", "B[uV]", "B[10.nV]", "B[W]", "B[kW]",
        "mho", "bit", "By", "Bd", "st",
    ]

    static let nonMetric: Set<String> = [
        "10*", "10^", "[pi]", "%", "[ppth]", "[ppm]", "[ppb]", "[pptr]", "gon", "deg", "'", "''", "min", "h", "d",
        "a_t", "a_j", "a_g", "a", "wk", "mo_s", "mo_j", "mo_g", "mo", "AU", "atm", "Ao", "b", "att", "circ", "sph",
        "[in_i]", "[ft_i]", "[yd_i]", "[mi_i]", "[fth_i]", "[nmi_i]", "[kn_i]", "[sin_i]", "[sft_i]", "[syd_i]",
        "[cin_i]", "[cft_i]", "[cyd_i]", "[mil_i]", "[hd_i]", "[gal_us]", "[qt_us]", "[pt_us]", "[foz_us]",
        "[tbs_us]", "[tsp_us]", "[cup_us]", "[gal_br]", "[pt_br]", "[foz_br]", "[gr]", "[lb_av]", "[oz_av]",
        "[dr_av]", "[ston_av]", "[lton_av]", "[stone_av]", "[oz_tr]", "[lb_tr]", "[degF]", "[degR]", "[Cal]",
        "[Btu]", "[HP]", "[psi]", "[pH]", "[drp]", "[S]", "[HPF]", "[LPF]", "[MET]", "[diop]", "[p'diop]",
        "%[slope]", "[mesh_i]", "[Ch]", "[arb'U]", "[USP'U]", "[GPL'U]", "[MPL'U]", "[APL'U]", "[beth'U]",
        "[anti'Xa'U]", "[todd'U]", "[dye'U]", "[smgy'U]", "[bdsk'U]", "[ka'U]", "[knk'U]", "[mclg'U]", "[tb'U]",
        "[CCID_50]", "[TCID_50]", "[EID_50]", "[PFU]", "[FFU]", "[CFU]", "[IR]", "[BAU]", "[AU]", "[Amb'a'1'U]",
        "[PNU]", "[Lf]", "[D'ag'U]", "[FEU]", "[ELU]", "[EU]", "[hnsf'U]", "[wood'U]", "[car_m]", "[car_Au]",
    ]

    /// Whether `symbol` is an atom, alone or after a prefix when the atom is metric.
    static func isKnown(_ symbol: Substring) -> Bool {
        if metric.contains(String(symbol)) || nonMetric.contains(String(symbol)) { return true }
        for length in 1...2 where symbol.count > length {
            let prefix = symbol.prefix(length)
            if prefixes.contains(String(prefix)) && metric.contains(String(symbol.dropFirst(length))) { return true }
        }
        return false
    }
}
