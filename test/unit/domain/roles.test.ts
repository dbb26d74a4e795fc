import { expect } from 'chai';
import { CLASS_NAMES, SPECS_BY_CLASS, classSlug, normaliseClassName, parseRole, roleOf } from '../../../src/domain/index.js';

describe('roleOf', () => {
  const roles: Array<[string, string, 'Tank' | 'Healer' | 'DPS']> = [
    ['Warrior', 'Arms', 'DPS'], ['Warrior', 'Fury', 'DPS'], ['Warrior', 'Protection', 'Tank'],
    ['Paladin', 'Holy', 'Healer'], ['Paladin', 'Protection', 'Tank'], ['Paladin', 'Retribution', 'DPS'],
    ['Hunter', 'Beast Mastery', 'DPS'], ['Hunter', 'Marksmanship', 'DPS'], ['Hunter', 'Survival', 'DPS'],
    ['Rogue', 'Assassination', 'DPS'], ['Rogue', 'Outlaw', 'DPS'], ['Rogue', 'Subtlety', 'DPS'],
    ['Priest', 'Discipline', 'Healer'], ['Priest', 'Holy', 'Healer'], ['Priest', 'Shadow', 'DPS'],
    ['Death Knight', 'Blood', 'Tank'], ['Death Knight', 'Frost', 'DPS'], ['Death Knight', 'Unholy', 'DPS'],
    ['Shaman', 'Elemental', 'DPS'], ['Shaman', 'Enhancement', 'DPS'], ['Shaman', 'Restoration', 'Healer'],
    ['Mage', 'Arcane', 'DPS'], ['Mage', 'Fire', 'DPS'], ['Mage', 'Frost', 'DPS'],
    ['Warlock', 'Affliction', 'DPS'], ['Warlock', 'Demonology', 'DPS'], ['Warlock', 'Destruction', 'DPS'],
    ['Monk', 'Brewmaster', 'Tank'], ['Monk', 'Windwalker', 'DPS'], ['Monk', 'Mistweaver', 'Healer'],
    ['Druid', 'Balance', 'DPS'], ['Druid', 'Feral', 'DPS'], ['Druid', 'Guardian', 'Tank'], ['Druid', 'Restoration', 'Healer'],
    ['Demon Hunter', 'Havoc', 'DPS'], ['Demon Hunter', 'Vengeance', 'Tank'], ['Demon Hunter', 'Devourer', 'DPS'],
    ['Evoker', 'Devastation', 'DPS'], ['Evoker', 'Preservation', 'Healer'], ['Evoker', 'Augmentation', 'DPS'],
  ];

  it('knows the role of every specialization', () => {
    for (const [className, spec, role] of roles) expect(roleOf(className, spec), `${spec} ${className}`).to.equal(role);
  });

  it('covers exactly the specializations it knows of', () => {
    const listed = Object.entries(SPECS_BY_CLASS).flatMap(([className, specs]) => specs.map((spec) => `${spec} ${className}`));
    expect(listed.sort()).to.deep.equal(roles.map(([className, spec]) => `${spec} ${className}`).sort());
  });

  it('accepts any spelling of class and spec', () => {
    expect(roleOf('DEATH_KNIGHT', 'blood')).to.equal('Tank');
    expect(roleOf('demon-hunter', ' Vengeance ')).to.equal('Tank');
  });

  it('counts an unknown or missing spec as DPS', () => {
    expect(roleOf('Paladin', null)).to.equal('DPS');
    expect(roleOf('Paladin', '')).to.equal('DPS');
    expect(roleOf('Paladin', 'Shadow')).to.equal('DPS');
    expect(roleOf('Priest', 'Tinker')).to.equal('DPS');
  });

  it('finds the role from the spec alone when the class is unknown', () => {
    expect(roleOf('', 'Mistweaver')).to.equal('Healer');
    expect(roleOf('Paladn', 'Protection')).to.equal('Tank');
    expect(roleOf('Tinker', 'Tinkering')).to.equal('DPS');
  });
});

describe('normaliseClassName', () => {
  it('turns every spelling into the display name', () => {
    for (const name of ['death knight', 'DEATH_KNIGHT', 'death-knight', 'Death Knight', 'deathknight']) {
      expect(normaliseClassName(name), name).to.equal('Death Knight');
    }
  });

  it('knows all 13 classes', () => {
    expect(CLASS_NAMES).to.have.length(13);
    for (const name of CLASS_NAMES) {
      expect(normaliseClassName(name.toUpperCase().replace(' ', '_'))).to.equal(name);
      expect(normaliseClassName(classSlug(name))).to.equal(name);
    }
  });

  it('gives null for a name that is no class', () => {
    expect(normaliseClassName('Tinker')).to.equal(null);
    expect(normaliseClassName('')).to.equal(null);
  });
});

describe('classSlug', () => {
  it('slugs a class however it is spelled', () => {
    expect(classSlug('Death Knight')).to.equal('death-knight');
    expect(classSlug('DEMON_HUNTER')).to.equal('demon-hunter');
    expect(classSlug('Warrior')).to.equal('warrior');
  });

  it('slugs an unknown name as given', () => {
    expect(classSlug(' Dark Ranger! ')).to.equal('dark-ranger');
  });
});

describe('SPECS_BY_CLASS', () => {
  it('lists the specs of every class, Devourer included', () => {
    expect(Object.keys(SPECS_BY_CLASS)).to.deep.equal([...CLASS_NAMES]);
    expect(SPECS_BY_CLASS['Demon Hunter']).to.deep.equal(['Havoc', 'Vengeance', 'Devourer']);
    expect(SPECS_BY_CLASS.Druid).to.have.length(4);
  });
});

describe('parseRole', () => {
  it('reads a role in any case', () => {
    expect(parseRole('tank')).to.equal('Tank');
    expect(parseRole('HEALER')).to.equal('Healer');
    expect(parseRole('Dps')).to.equal('DPS');
    expect(parseRole(' dps ')).to.equal('DPS');
  });

  it('gives null for anything else', () => {
    for (const text of ['damage', 'heal', '', 'support']) expect(parseRole(text), text).to.equal(null);
  });
});
